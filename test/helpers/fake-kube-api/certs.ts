import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Certificates for the fake API server, made with openssl at test time: a CA, a server certificate for
 * 127.0.0.1/localhost, and client certificates whose subject carries the user (CN) and groups (O) as the
 * real API server reads them.
 */

export interface Pem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: Pem;
  server: Pem;
  /** A client certificate for `user` in `groups`, signed by the cluster CA (or by `signer` to test a foreign CA). */
  client(user: string, groups?: string[], signer?: Pem): Pem;
  dispose(): void;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

function selfSigned(dir: string, name: string, subject: string): Pem {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return {
    cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
  };
}

function signed(dir: string, name: string, subject: string, ext: string, ca: Pem): Pem {
  writeFileSync(path.join(dir, 'signer.crt'), ca.cert);
  writeFileSync(path.join(dir, 'signer.key'), ca.key);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'signer.crt',
      '-CAkey',
      'signer.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
  return {
    cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
  };
}

/** openssl subject syntax needs `/` and `=` escaped inside values. */
const esc = (s: string) => s.replace(/[\\/=+,]/g, (c) => `\\${c}`);

export function makeClusterPki(): ClusterPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kube-pki-'));
  const ca = selfSigned(dir, 'ca', '/CN=fake-kube-ca');
  const server = signed(
    dir,
    'server',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    ca,
  );
  let n = 0;
  return {
    ca,
    server,
    client(user, groups = [], signer = ca) {
      const subject = `/CN=${esc(user)}${groups.map((g) => `/O=${esc(g)}`).join('')}`;
      return signed(dir, `client-${n++}`, subject, 'extendedKeyUsage=clientAuth\n', signer);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A CA nobody trusts, for the negative tests. */
export function makeForeignCa(): Pem & { dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kube-foreign-'));
  const pem = selfSigned(dir, 'foreign', '/CN=foreign-ca');
  return { ...pem, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
