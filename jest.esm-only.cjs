/** Dependencies published only as ES modules (OpenID Connect: jose, openid-client and its core, the test provider). */
module.exports = ["jose", "openid-client", "oauth4webapi", "oidc-provider"];
