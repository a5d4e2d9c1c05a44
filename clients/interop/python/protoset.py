"""Message classes for the interop peers, built at run time from .proto files and descriptor sets.

Debian's python3-grpc-tools bundles an old protoc whose generated *_pb2 modules do not match the
newer protobuf runtime, so we ask it only for a FileDescriptorSet and build classes from that.
The grpc.health.v1 / grpc.reflection / google.rpc descriptors come as a ready FileDescriptorSet
named by $EXPLAIN_PEER_DESCRIPTORS: the test suite writes it from the descriptors compiled into
the grpc-dotnet packages it runs (tests/Explain.Interop.Tests/Support/PeerDescriptors.cs), since
no .proto copy of them is kept in this repository.
"""
import os
import tempfile

import grpc_tools
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_tools import protoc

REPO_PROTOS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "protos"))
DESCRIPTORS_VARIABLE = "EXPLAIN_PEER_DESCRIPTORS"


def compile_set(files, include_dirs):
    """Runs grpc_tools.protoc on files (relative to include_dirs) and returns the FileDescriptorSet."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        args = ["protoc"] + ["-I" + d for d in include_dirs] + ["-I" + well_known, "--include_imports",
                                                               "--descriptor_set_out=" + out] + list(files)
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed for " + ", ".join(files))
        with open(out, "rb") as f:
            return descriptor_pb2.FileDescriptorSet.FromString(f.read())


def peer_descriptors(required):
    """The health / reflection / google.rpc set, or None when not given and not required."""
    path = os.environ.get(DESCRIPTORS_VARIABLE)
    if not path:
        if required:
            raise RuntimeError("set %s to the FileDescriptorSet written by the interop tests" % DESCRIPTORS_VARIABLE)
        return None
    with open(path, "rb") as f:
        return descriptor_pb2.FileDescriptorSet.FromString(f.read())


class Protos:
    """A descriptor pool from several sets (a file present in two sets is added once)."""

    def __init__(self, *sets):
        self.pool = descriptor_pool.DescriptorPool()
        added = set()
        for file_set in sets:
            if file_set is None:
                continue
            for file_proto in file_set.file:
                if file_proto.name not in added:
                    self.pool.Add(file_proto)
                    added.add(file_proto.name)
        self.files = added
        self._factory = message_factory.MessageFactory(self.pool)

    def message(self, full_name):
        """The message class for a fully qualified protobuf name."""
        return self._factory.GetPrototype(self.pool.FindMessageTypeByName(full_name))
