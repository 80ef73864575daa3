// Which PostgreSQL/Redis the tests use, and what happens without one. Unset: the test skips and
// says which variable to set and how to run it. With CI set, a missing URL or a service that does
// not answer fails the test instead (scripts/run-tests.mjs also fails a CI run on any skip).
import net from 'node:net';
import type { TestContext } from 'node:test';

export type Service = 'postgres' | 'redis';

const SERVICES = {
  postgres: {
    name: 'PostgreSQL',
    variable: 'SLACKLINE_TEST_POSTGRES_URL',
    example: 'postgres://postgres@127.0.0.1:5432/test',
  },
  redis: { name: 'Redis', variable: 'SLACKLINE_TEST_REDIS_URL', example: 'redis://127.0.0.1:6379' },
} as const;

export const inCI = (): boolean => !['', 'false', undefined].includes(process.env.CI);

/** The service's URL from the environment, or undefined. */
export function serviceUrl(service: Service): string | undefined {
  return process.env[SERVICES[service].variable] || undefined;
}

/** Why a test cannot run here, and how to run it. */
export function missingService(service: Service, detail = 'is not set'): string {
  const { name, variable, example } = SERVICES[service];
  return (
    `${variable} ${detail}: this test needs ${name}. Run it with ` +
    `${variable}=${example} node scripts/run-tests.mjs <file> (.ci/run sets it)`
  );
}

/** Resolves when host:port accepts a TCP connection within `ms`. */
function answers(url: string, ms = 2_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const fallback = url.startsWith('redis') ? 6379 : 5432;
  return new Promise((resolve) => {
    const socket = net.connect(Number(port || fallback), hostname.replace(/^\[|\]$/g, ''));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The service's URL when it is set and answers. Otherwise skips `t` with the reason (or, with CI
 * set, throws it, failing the test) and resolves undefined.
 */
export async function needService(t: TestContext, service: Service): Promise<string | undefined> {
  const url = serviceUrl(service);
  const reason =
    url === undefined
      ? missingService(service)
      : (await answers(url))
        ? undefined
        : missingService(service, 'does not answer');
  if (reason === undefined) return url;
  if (inCI()) throw new Error(`CI is set, so this is a failure: ${reason}`);
  t.skip(reason);
  return undefined;
}
