/** Every spelling of an internal target a caller might try; the WHATWG URL parser normalises the IPv4 ones. */
export const forbiddenUrls = [
  'http://127.0.0.1/', 'http://localhost/', 'http://[::1]/', 'http://0x7f000001/', 'http://2130706433/', 'http://0/', 'http://127.1/',
  'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://172.16.0.1/',
  'http://[fd00::1]/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://user:pass@example.com/', 'ftp://example.com/', 'HTTP://127.0.0.1/',
] as const;
