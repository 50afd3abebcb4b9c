"""OpenAI-shaped errors for the sandbox: raise SandboxError anywhere in a route."""

from __future__ import annotations


class SandboxError(Exception):
    """An error the sandbox answers with an OpenAI-style body and the given status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, param: str | None = None, code: str | None = None) -> SandboxError:
    return SandboxError(400, message, param=param, code=code)


def not_found(message: str, param: str | None = None, code: str | None = None) -> SandboxError:
    return SandboxError(404, message, param=param, code=code)
