import { createRequire } from 'node:module';

type Ssh2 = typeof import('ssh2');

const requireModule = createRequire(import.meta.url);
let loaded: Ssh2 | undefined;

/** ssh2 and its crypto are required with the first ssh connection, so commands that make none never load them. */
export const loadSsh2 = (): Ssh2 => (loaded ??= requireModule('ssh2') as Ssh2);
