import { describe, expect, it } from 'vitest';
import { credentialKeys } from '../../../electron/engine/kube/credential-keys.js';

/** ConfigMap data as teams write it: credentials in every spelling, and the keys that only talk about them. */
describe('credential-looking ConfigMap keys', () => {
  it('finds credentials by key name in any case style, and embedded in files', () => {
    const data = {
      DB_PASSWORD: 'hunter2-prod',
      'db.password': 'hunter2',
      apiKey: 'k-12345-abcdef',
      client_secret: 'c2VjcmV0',
      'settings.ini': '[db]\nhost = db\npassword = s3cr3t!\n',
      credentials: `[default]\naws_access_key_id = AKIA${'Z'.repeat(16)}\n`,
      'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
    };
    expect(credentialKeys(data)).toEqual([
      'DB_PASSWORD',
      'db.password',
      'apiKey',
      'client_secret',
      'settings.ini (password line)',
      'credentials (AWS access key id)',
      'tls.key (private key)',
    ]);
  });

  it('leaves keys that name, locate or constrain a credential, placeholders and public material alone', () => {
    const data = {
      PASSWORD_MIN_LENGTH: '12',
      SECRET_NAME: 'db-credentials',
      TOKEN_TTL: '3600',
      TOKEN_PATH: '/var/run/secrets/tokens/api',
      DB_PASSWORD: '${DB_PASSWORD}',
      API_KEY: '<set me>',
      ENABLE_TOKEN_AUTH: 'true',
      'app.properties': 'spring.datasource.password=${DB_PASSWORD}\nserver.port=8080\n',
      'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
      LOG_LEVEL: 'info',
    };
    expect(credentialKeys(data)).toEqual([]);
    expect(credentialKeys(undefined)).toEqual([]);
    expect(credentialKeys(['password=x'])).toEqual([]);
  });
});
