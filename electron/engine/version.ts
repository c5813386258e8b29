/** Set at build time from package.json; falls back for tests that run from source. */
declare const __STOWAWAY_VERSION__: string | undefined;
export const VERSION: string = typeof __STOWAWAY_VERSION__ === 'string' ? __STOWAWAY_VERSION__ : '0.1.0';
