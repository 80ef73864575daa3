// Drivers are optional peer dependencies: a store door imports without them and loads its driver
// when the first store is built, with an error that says what to install.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export class DriverMissingError extends Error {
  readonly code = 'slackline_driver_missing';
  constructor(name: string, version: string) {
    super(`this store needs the '${name}' package: npm install ${name}@${version}`);
    this.name = 'DriverMissingError';
  }
}

export function loadDriver<T>(name: string, version: string): T {
  try {
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new DriverMissingError(name, version);
    throw err;
  }
}
