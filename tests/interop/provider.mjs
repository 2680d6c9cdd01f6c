// panva's oidc-provider (a certified OpenID Provider) on 127.0.0.1, for tests/interop.
//
//   node provider.mjs [PORT] [CALLBACK_PORT,CALLBACK_PORT...]
//
// PORT (argv[2] or INTEROP_PORT, default 0 = any free port) is where the provider listens;
// the callback ports (argv[3] or INTEROP_CALLBACK_PORTS, comma-separated) become the public
// native client's redirect URIs http://127.0.0.1:{p}/callback. Once listening, the script
// writes exactly one JSON line to stdout:
//
//   {"issuer": "http://127.0.0.1:PORT", "client_id": "...", "port": PORT}
//
// and nothing else ever goes to stdout (oidc-provider's notices use console.info, which is
// sent to stderr below). It runs until SIGTERM/SIGINT, or until its stdin pipe closes, so a
// test runner that dies cannot leave it behind.
//
// There is no login page. oidc-provider sends /auth (and the device flow's confirmed /device
// form) to /interaction/:uid; the handler below signs in the fixed account "alice" and grants
// every requested scope and claim in one step (login + consent), then hands back to the
// provider. An HTTP client that follows redirects and keeps cookies, as a browser does,
// therefore completes the authorization code flow and the device verification with no forms.
//
// Environment: INTEROP_ACCESS_TOKEN_TTL (s, default 60), INTEROP_DEVICE_CODE_TTL (s, default
// 60), INTEROP_REFRESH_TOKEN_TTL (s, default 86400), INTEROP_CLOCK_TOLERANCE (s, default: the
// library's 15; note it also extends how long an expired opaque access token is accepted),
// INTEROP_DPOP_NONCE ("1": DPoP with server nonces required of every proof, at the token
// endpoint and at userinfo alike; unset: the library's default DPoP, no nonces).

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

// stdout carries the one JSON line; oidc-provider writes its notices with console.info.
console.log = console.error;
console.info = console.error;

const CLIENT_ID = 'tui-console-interop';
const ACCOUNT = {
  sub: 'alice',
  name: 'Alice Example',
  email: 'alice@example.test',
  email_verified: true,
};

function intFrom(value, fallback, what) {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return number;
}

const port = intFrom(process.argv[2] ?? process.env.INTEROP_PORT, 0, 'port');
const callbackPorts = (process.argv[3] ?? process.env.INTEROP_CALLBACK_PORTS ?? '')
  .split(',')
  .filter(Boolean)
  .map((p) => intFrom(p, 0, 'callback port'));
if (callbackPorts.length === 0) {
  throw new Error('give at least one callback port (argv[3] or INTEROP_CALLBACK_PORTS)');
}
const ttl = {
  accessToken: intFrom(process.env.INTEROP_ACCESS_TOKEN_TTL, 60, 'INTEROP_ACCESS_TOKEN_TTL'),
  deviceCode: intFrom(process.env.INTEROP_DEVICE_CODE_TTL, 60, 'INTEROP_DEVICE_CODE_TTL'),
  refreshToken: intFrom(process.env.INTEROP_REFRESH_TOKEN_TTL, 86400, 'INTEROP_REFRESH_TOKEN_TTL'),
};
const clockTolerance = intFrom(process.env.INTEROP_CLOCK_TOLERANCE, undefined, 'INTEROP_CLOCK_TOLERANCE');
const dpopNonce = process.env.INTEROP_DPOP_NONCE === '1';

// RFC 9449 as Auth0 runs it for public clients: every proof must carry a server nonce.
// nonceSecret seeds the rotating nonces (60 s steps, a few steps either side accepted).
const dPoP = dpopNonce
  ? { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true }
  : { enabled: true };

// A fresh signing key per run instead of oidc-provider's published development keys.
function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
}

function configuration() {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'tui-console interop tests',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: [
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        response_types: ['code'],
        redirect_uris: callbackPorts.map((p) => `http://127.0.0.1:${p}/callback`),
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    async findAccount(_ctx, sub) {
      if (sub !== ACCOUNT.sub) return undefined;
      return { accountId: sub, claims: async () => ({ ...ACCOUNT }) };
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      dPoP,
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The library default, spelled out: a refresh token only with offline_access.
    issueRefreshToken: async (_ctx, client, source) => (
      client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access')
    ),
    // Every refresh consumes the presented token and issues a new one (reuse is then
    // detected: presenting a consumed token revokes the whole grant).
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ttl.accessToken,
      AuthorizationCode: 60,
      DeviceCode: ttl.deviceCode,
      Grant: ttl.refreshToken,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: ttl.refreshToken,
      Session: 86400,
    },
    ...(clockTolerance === undefined ? {} : { clockTolerance }),
    renderError(ctx, out, error) {
      console.error(`oidc-provider error page: ${JSON.stringify(out)} ${error?.stack ?? ''}`);
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

// The non-interactive "login page": sign in alice and consent to everything asked for.
async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  const accountId = session?.accountId ?? ACCOUNT.sub;

  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  grant ??= new provider.Grant({ accountId, clientId: params.client_id });
  if (params.scope) grant.addOIDCScope(params.scope);
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();

  const result = { consent: { grantId } };
  if (prompt.name === 'login' || !session?.accountId) {
    result.login = { accountId };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

function sendJson(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

let provider; // set once the port (and so the issuer) is known
let callback; // provider.callback(), the oidc-provider request handler
const stats = { requests: 0, interactions: 0 };

const server = http.createServer((req, res) => {
  stats.requests += 1;
  if (!provider) {
    sendJson(res, 503, { error: 'temporarily_unavailable' });
    return;
  }
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(pathname)) {
    stats.interactions += 1;
    interaction(provider, req, res).catch((error) => {
      console.error(`interaction failed: ${error?.stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error?.message ?? error) });
      else res.end();
    });
    return;
  }
  if (req.method === 'GET' && pathname === '/test/stats') {
    sendJson(res, 200, stats);
    return;
  }
  callback(req, res);
});

server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = `http://127.0.0.1:${actual}`;
  provider = new Provider(issuer, configuration());
  callback = provider.callback();
  provider.on('server_error', (_ctx, error) => console.error(`server_error: ${error?.stack ?? error}`));
  process.stdout.write(`${JSON.stringify({ issuer, client_id: CLIENT_ID, port: actual })}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// Started by a test runner through a pipe: exit when the runner goes away, even if it was
// killed before it could send SIGTERM. (A terminal or /dev/null on stdin is left alone.)
if (fs.fstatSync(0).isFIFO()) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
