// Drivers are optional peer dependencies: a store door imports without them and loads its driver
// when the first store is built, with an error that says what to install.
import { createRequire } from 'node:module';
import { SlacklineError } from '../http/errors.js';
import { StoreErrorCode } from '../oauth/errors.js';

const require = createRequire(import.meta.url);

export class DriverMissingError extends SlacklineError {
  declare readonly code: typeof StoreErrorCode.DriverMissing;
  /** The package to install. */
  readonly driver: string;
  constructor(name: string, version: string, cause?: unknown) {
    super(StoreErrorCode.DriverMissing, `this store needs the '${name}' package: npm install ${name}@${version}`, {
      cause,
    });
    this.driver = name;
  }
}

export function loadDriver<T>(name: string, version: string): T {
  try {
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new DriverMissingError(name, version, err);
    throw err;
  }
}
