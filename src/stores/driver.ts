// Drivers are optional peer dependencies: a store door imports without them and loads its driver
// when the first store is built, with an error that says what to install.
import { createRequire } from 'node:module';
import { DriverMissingError } from '../oauth/errors.js';

export { DriverMissingError };

const require = createRequire(import.meta.url);

export function loadDriver<T>(name: string, version: string): T {
  try {
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new DriverMissingError(name, version, err);
    throw err;
  }
}
