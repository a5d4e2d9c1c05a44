"""Message classes for the interop peers, built at run time from the repo's .proto files.

Debian's python3-grpc-tools bundles an old protoc whose generated *_pb2 modules do not match the
newer protobuf runtime, so we ask it only for a FileDescriptorSet and build classes from that.
"""
import os
import tempfile

import grpc_tools

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_tools import protoc

PROTO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "protos"))
PROTO_FILES = [
    "explain/testing/v1/echo.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
    "grpc/reflection/v1alpha/reflection.proto",
]


def _load_pool():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        args = ["protoc", "-I" + PROTO_ROOT, "-I" + well_known, "--include_imports", "--descriptor_set_out=" + out] + PROTO_FILES
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed for " + ", ".join(PROTO_FILES))
        with open(out, "rb") as f:
            file_set = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file_proto in file_set.file:
        pool.Add(file_proto)
    return pool


POOL = _load_pool()
_FACTORY = message_factory.MessageFactory(POOL)


def message(full_name):
    """The message class for a fully qualified protobuf name."""
    return _FACTORY.GetPrototype(POOL.FindMessageTypeByName(full_name))


EchoRequest = message("explain.testing.v1.EchoRequest")
EchoResponse = message("explain.testing.v1.EchoResponse")
StatusRequest = message("explain.testing.v1.StatusRequest")
SleepRequest = message("explain.testing.v1.SleepRequest")
Empty = message("explain.testing.v1.Empty")
HealthCheckRequest = message("grpc.health.v1.HealthCheckRequest")
HealthCheckResponse = message("grpc.health.v1.HealthCheckResponse")
ECHO = "/explain.testing.v1.Echo/"
