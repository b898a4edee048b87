"""A real OpenID provider on loopback, built from Authlib's server components (Flask
integration): discovery, JWKS, authorize and token endpoints, the authorization-code
grant with PKCE (S256 required) and OpenID Connect ID tokens, and RFC 9068 JWT access
tokens. The signed-in user is whoever the test says (no login form: consent is given
for ``provider.user``); ``rotate()`` adds a new signing key the way a provider rotates.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import ECKey, RSAKey
from werkzeug.serving import make_server


class User(dict[str, Any]):
    """The signed-in user: its claims."""

    def get_user_id(self) -> str:
        return str(self["sub"])


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: User
    at: float = field(default_factory=time.time)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.at)

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str, alg: str = "RS256") -> None:
        self.alg = alg
        self.client = Client(client_id, client_secret, [redirect_uri])
        self.user: dict[str, Any] = {"sub": "ana", "role": "buyer"}
        self.codes: dict[str, Code] = {}
        self.keys: list[dict[str, Any]] = []  # private JWKs, newest (the signer) last
        self.jwks_fetches = 0
        self.rotate()
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._access_tokens.issuer = self.issuer
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # keys -----------------------------------------------------------------
    def rotate(self) -> str:
        kid = secrets.token_hex(8)
        key = (RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)
               if self.alg.startswith("RS") else
               ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": "ES256"}, private=True))
        self.keys.append(key.as_dict(private=True))
        return kid

    @property
    def signer(self) -> dict[str, Any]:
        return self.keys[-1]

    def public_jwks(self) -> dict[str, Any]:
        public = []
        for jwk in self.keys:
            cls = RSAKey if jwk["kty"] == "RSA" else ECKey
            public.append(cls.import_key(jwk).as_dict(private=False))
        return {"keys": public}

    # server ---------------------------------------------------------------
    def _app(self) -> Flask:
        app = Flask("civic-test-provider")
        provider = self

        def query_client(client_id: str) -> Client | None:
            return provider.client if client_id == provider.client.client_id else None

        server = AuthorizationServer(app, query_client=query_client, save_token=lambda token, req: None)

        class AccessTokens(JWTBearerTokenGenerator):
            def get_jwks(self) -> dict[str, Any]:
                return {"keys": [provider.signer]}

            def get_extra_claims(self, client: Any, grant_type: str, user: Any, scope: str) -> dict[str, Any]:
                return {k: v for k, v in user.items() if k != "sub"}

            def get_audiences(self, client: Any, user: Any, scope: str) -> str:
                return client.get_client_id()

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                payload = req.payload
                provider.codes[code] = Code(
                    code, req.client.client_id, payload.redirect_uri, payload.scope, payload.data.get("nonce"),
                    payload.data.get("code_challenge"), payload.data.get("code_challenge_method"), User(req.user))

            def query_authorization_code(self, code: str, client: Any) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id and time.time() - found.at < 300 else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return authorization_code.user

        class IdTokens(OpenIDCode):
            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Any) -> dict[str, Any]:
                return provider.signer

            def get_client_algorithm(self, client: Any) -> str:
                return provider.alg

            def get_encode_header(self, client: Any) -> dict[str, Any]:
                return {"alg": provider.alg, "kid": provider.signer["kid"]}

            def get_client_claims(self, client: Any) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.get_client_id()]}

            def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
                return UserInfo(**user)

        self._access_tokens = AccessTokens(issuer="", alg=self.alg)  # the issuer is known once bound
        server.register_token_generator("default", self._access_tokens)
        server.register_grant(CodeGrant, [CodeChallenge(required=True), IdTokens(require_nonce=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": provider.issuer + "/authorize",
                "token_endpoint": provider.issuer + "/token",
                "jwks_uri": provider.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [provider.alg],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            })

        @app.get("/jwks")
        def jwks() -> Any:
            provider.jwks_fetches += 1
            return jsonify(provider.public_jwks())

        @app.get("/authorize")
        def authorize() -> Any:
            return server.create_authorization_response(grant_user=User(provider.user))

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        return app

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
