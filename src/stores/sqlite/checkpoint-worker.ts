// The worker thread of SqliteDedupeStore's checkpoints: its own connection to the file, one PASSIVE
// checkpoint per 'checkpoint' message (answered when done), closed on 'close'. Its connection keeps
// the default synchronous level, so a checkpoint fsyncs the WAL before the database, as SQLite's own
// automatic checkpoints do; the fsyncs wait here, not on the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { loadDriver } from '../driver.js';

const Driver = loadDriver<typeof Database>('better-sqlite3', '12.x');
const db = new Driver((workerData as { path: string }).path);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');

parentPort?.on('message', (message: string) => {
  if (message === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or interrupted: the next one catches up (PASSIVE never has to finish).
  }
  parentPort?.postMessage('done');
});
