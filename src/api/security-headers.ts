import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer (@fastify/helmet), registered once at the root. The content security policy
 * lets the API's own browser pages work (the /docs page, the queue dashboard, server-rendered pages to come): their
 * HTML, scripts, styles, images and fonts from this origin, EventSource and fetch to this origin, nothing else.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { hstsMaxAgeSeconds: number }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Swagger UI and Bull Board set inline style attributes (no inline script needs to run).
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: on a plain-HTTP intranet it would send the pages' own assets to https and break them.
      },
    },
    // HSTS only when configured: the API often runs on plain HTTP inside an intranet, and a browser that once saw
    // HSTS for the host refuses plain HTTP to it (and every other port on it) for max-age. Behind a TLS proxy set
    // LGSP_API_HSTS_MAX_AGE_S, or let the proxy send it.
    strictTransportSecurity: options.hstsMaxAgeSeconds > 0 ? { maxAge: options.hstsMaxAgeSeconds, includeSubDomains: false } : false,
  });
}
