import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { httpRefusal, statusTitle, type HttpRefusal } from './http-errors.js';
import { problem } from './problem.js';

/**
 * Fastify's refusals that happen before routing (a malformed %-escape, a path segment over maxParamLength): the
 * same problem document as every other error, instead of Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const refusal = httpRefusal(status, error.code, error.message);
  void reply.code(refusal.status).type('application/problem+json').send(problem(refusal.status, refusal.code, refusal.detail, { instance: request.url }));
}

/** Node's parser errors on a connection (no request object yet): what to answer, as a problem document. */
function clientRefusal(code: string | undefined): HttpRefusal {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request did not arrive in time (LGSP_API_REQUEST_TIMEOUT_MS): send the headers and body at once, then retry.' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers exceed 16 KiB: shorten the URL (fewer or shorter query values) or the headers.' };
  }
  return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP/1.1: check the client or the proxy in front of the API.' };
}

/** Answers a malformed or too slow request on the raw socket (Node's 'clientError'), then closes the connection. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset or already closed connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const refusal = clientRefusal(error.code);
    const body = JSON.stringify(problem(refusal.status, refusal.code, refusal.detail));
    socket.write(
      `HTTP/1.1 ${refusal.status} ${statusTitle(refusal.status)}\r\nContent-Type: application/problem+json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
