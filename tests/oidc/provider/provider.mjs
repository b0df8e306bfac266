// The OpenID provider the sign-in tests talk to: the certified `oidc-provider`, configured from a JSON
// file (argv[2]) with the test clients and accounts. devInteractions draws its plain login and consent
// pages; the login page takes any password. Prints "listening <issuer>" once it serves.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = settings.accounts;

const provider = new Provider(settings.issuer, {
  clients: settings.clients,
  jwks: settings.jwks,
  cookies: { keys: ['test-cookie-key-not-secret'] },
  claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  // Entra ID and AD FS put the e-mail in the ID token itself; so does this provider.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
  },
});

// devInteractions signs in without saying how; a test account names the methods (amr) it "used".
const finished = provider.interactionFinished.bind(provider);
provider.interactionFinished = async (req, res, result, options) => {
  if (result.login && accounts[result.login.accountId]?.amr) {
    result.login.amr = accounts[result.login.accountId].amr;
  }
  return finished(req, res, result, options);
};

const port = new URL(settings.issuer).port;
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${settings.issuer}`));
