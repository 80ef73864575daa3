// The control API: every surface's routes behind the one router.
import { auditControlRoutes } from '../audit-logs/control.js';
import { appRoute, installRoutes } from './install-routes.js';
import { interactivityRoutes } from './interactivity-routes.js';
import { controlRouter } from './router.js';
import { coreRoutes } from './routes.js';
import { socketModeRoutes } from './socket-mode-routes.js';

const tables = {
  exact: { ...coreRoutes, ...installRoutes, ...interactivityRoutes, ...auditControlRoutes, ...socketModeRoutes },
  prefixed: { 'apps/': appRoute },
};

export const handleControl = controlRouter(tables);

/** Every control route as `METHOD path` (prefix routes as `* apps/`), for docs and the fuzz test. */
export function controlRouteKeys(): string[] {
  return [...Object.keys(tables.exact), ...Object.keys(tables.prefixed).map((p) => `* ${p}`)];
}
