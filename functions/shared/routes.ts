import { accountsRoutes } from '../accounts/routes';
import { auditRoutes } from '../audit/routes';
import { billingRoutes } from '../billing/routes';
import { exportsRoutes } from '../exports/routes';
import { imagingRoutes } from '../imaging/routes';
import { mailRoutes } from '../mail/routes';
import { policyRoutes } from '../policy/routes';
import { sharingRoutes } from '../sharing/routes';
import { supportRoutes } from '../support/routes';
import type { RouteDefinition } from './http/route';
import { platformRoutes } from './platform-routes';

/**
 * The one route table, joined from each context's route module. It feeds the CDK API, the local router,
 * the OpenAPI document and the authorization-matrix tests, so a route exists everywhere or nowhere.
 */
export const routes: readonly RouteDefinition[] = [
  ...Object.values(platformRoutes),
  ...Object.values(accountsRoutes),
  ...Object.values(auditRoutes),
  ...Object.values(imagingRoutes),
  ...Object.values(supportRoutes),
  ...Object.values(sharingRoutes),
  ...Object.values(policyRoutes),
  ...Object.values(billingRoutes),
  ...Object.values(mailRoutes),
  ...Object.values(exportsRoutes),
];
