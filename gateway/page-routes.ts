// The simulator's routes that are not contract operations: the landing page and /docs (GET, and HEAD with them).
// The HTTP thread (http-thread-worker.ts) hands these over whole; any other path it does not know is a near miss.
export const LANDING_ROUTE = "/";
export const DOCS_ROUTES = ["/docs", "/docs/*"] as const;
export const PAGE_ROUTES: readonly string[] = [LANDING_ROUTE, ...DOCS_ROUTES];
