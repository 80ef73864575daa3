// The control API: every surface's routes behind the one router.
import { appRoute, installRoutes } from './install-routes.js';
import { controlRouter } from './router.js';
import { coreRoutes } from './routes.js';

export const handleControl = controlRouter({
  exact: { ...coreRoutes, ...installRoutes },
  prefixed: { 'apps/': appRoute },
});
