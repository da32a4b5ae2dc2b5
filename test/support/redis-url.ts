/** The Redis the tests use: REDIS_URL when set (as for the processes under test), else the local default. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The tests' Redis, on another logical database (keys apart from the default one's). */
export function testRedisUrlWithDatabase(database: number): string {
  const url = new URL(testRedisUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
