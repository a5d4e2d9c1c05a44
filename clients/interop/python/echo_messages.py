"""Message classes of explain.testing.v1.Echo (and, when the tests provide them, grpc health,
reflection and google.rpc) for the interop peers; see protoset.py for how they are built."""
import protoset

PROTOS = protoset.Protos(protoset.compile_set(["explain/testing/v1/echo.proto"], [protoset.REPO_PROTOS]),
                         protoset.peer_descriptors(required=False))
message = PROTOS.message
HAS_GRPC_PROTOS = any(f.endswith("health.proto") for f in PROTOS.files)

EchoRequest = message("explain.testing.v1.EchoRequest")
EchoResponse = message("explain.testing.v1.EchoResponse")
StatusRequest = message("explain.testing.v1.StatusRequest")
SleepRequest = message("explain.testing.v1.SleepRequest")
Empty = message("explain.testing.v1.Empty")
ECHO = "/explain.testing.v1.Echo/"
if HAS_GRPC_PROTOS:
    HealthCheckRequest = message("grpc.health.v1.HealthCheckRequest")
    HealthCheckResponse = message("grpc.health.v1.HealthCheckResponse")
    RpcStatus = message("google.rpc.Status")
    BadRequest = message("google.rpc.BadRequest")
