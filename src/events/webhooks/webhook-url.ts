/**
 * A webhook URL as stored: its scheme in lower case. URL schemes are case-insensitive (`HTTP://` is valid and
 * passes the schema check), but the table's CHECK (url ~ '^https?://') and the dispatcher compare it as written.
 */
export function normaliseWebhookUrl(url: string): string {
  return url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, (scheme) => scheme.toLowerCase());
}
