import * as z from 'zod';

// Zod probes for eval (new Function) when a schema is built, to speed up parsing; the console's CSP forbids
// eval, so it is told not to. This module is imported first, before any schema is defined.
z.config({ jitless: true });
