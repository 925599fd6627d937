/**
 * @module server/csp
 * The page's Content-Security-Policy, one definition for `kflow web` and the desktop app. Only
 * the app's own scripts run (no inline script, no eval); styles come from the app's CSS files
 * (React and React Flow set element styles through the CSSOM, which CSP does not restrict);
 * the page may connect only to its own backend.
 */
export function contentSecurityPolicy(opts: { connect?: string[]; devServer?: string } = {}): string {
  const dev = opts.devServer ? [opts.devServer] : [];
  return [
    "default-src 'self'",
    // The dev server's React refresh preamble is an inline script; a built app has none.
    `script-src 'self'${opts.devServer ? ` 'unsafe-inline' ${opts.devServer}` : ''}`,
    `style-src 'self'${opts.devServer ? ` 'unsafe-inline' ${opts.devServer}` : ''}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...(opts.connect ?? []), ...dev, ...dev.map((d) => d.replace(/^http/, 'ws'))].join(
      ' ',
    ),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
