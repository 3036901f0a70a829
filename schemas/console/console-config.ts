import * as z from 'zod';

/**
 * `/console/config.json`: everything the web console needs to find its API and its OAuth 2 authorization
 * server. In AWS these are the API's domain and the customer pool's Cognito domain; locally the local
 * stack's HTTPS origin, which serves the same /oauth2/* endpoints. The app reads nothing else.
 */
export const ConsoleConfigSchema = z
  .object({
    /** Origin of the REST API and DICOMweb (no path, no trailing slash). */
    apiUrl: z.url({ protocol: /^https$/ }),
    /** The OAuth 2 server's endpoints (Cognito's hosted UI domain in AWS). */
    authorizationEndpoint: z.url({ protocol: /^https$/ }),
    tokenEndpoint: z.url({ protocol: /^https$/ }),
    revocationEndpoint: z.url({ protocol: /^https$/ }),
    /** Cognito's /logout: ends the hosted-UI session, then returns to logoutRedirectUri. */
    logoutEndpoint: z.url({ protocol: /^https$/ }),
    clientId: z.string().min(1).max(128),
    /** Registered with the app client as a callback URL; the console's own address. */
    redirectUri: z.url({ protocol: /^https$/ }),
    logoutRedirectUri: z.url({ protocol: /^https$/ }),
    /** Minutes without input after which the console signs the user out. */
    inactivityMinutes: z.number().int().min(1).max(60),
  })
  .strict();
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

/** Scopes the console asks for; the API requires aws.cognito.signin.user.admin in access tokens. */
export const CONSOLE_SCOPES = ['openid', 'email', 'aws.cognito.signin.user.admin'] as const;
/** The issue's bound: a console left alone signs itself out after 15 minutes. */
export const CONSOLE_INACTIVITY_MINUTES = 15;
/** Where the console is served under its origin, locally and behind CloudFront. */
export const CONSOLE_PATH = '/console/';
