'use strict';
// Proto definitions for the interop peers: echo.proto from the repository, and grpc.health.v1 /
// grpc.reflection / google.rpc from the FileDescriptorSet named by $EXPLAIN_PEER_DESCRIPTORS, which
// tests/Explain.Interop.Tests writes from the descriptors compiled into the grpc-dotnet packages
// (the repository keeps no copy of those protos; see clients/interop/python/protoset.py).
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'protos');
const OPTIONS = { keepCase: true, longs: String, enums: Number, defaults: true, oneofs: true };
const DESCRIPTORS = process.env.EXPLAIN_PEER_DESCRIPTORS;

function load({ required }) {
  const echo = protoLoader.loadSync(['explain/testing/v1/echo.proto'], { ...OPTIONS, includeDirs: [PROTO_ROOT] });
  if (!DESCRIPTORS) {
    if (required) throw new Error('set EXPLAIN_PEER_DESCRIPTORS to the FileDescriptorSet written by the interop tests');
    return { proto: grpc.loadPackageDefinition(echo), root: null };
  }
  const buffer = fs.readFileSync(DESCRIPTORS);
  const grpcProtos = protoLoader.loadFileDescriptorSetFromBuffer(buffer, OPTIONS);
  // protobufjs types for decoding grpc-status-details-bin (google.rpc.Status and its details).
  const root = protobuf.Root.fromDescriptor(descriptor.FileDescriptorSet.decode(buffer));
  return { proto: grpc.loadPackageDefinition({ ...echo, ...grpcProtos }), root };
}

module.exports = { load };
