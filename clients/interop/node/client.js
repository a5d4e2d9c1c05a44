'use strict';
// grpc-js client run against our grpc-dotnet Echo server by tests/Explain.Interop.Tests.
// Usage: node client.js HOST:PORT [--ca ROOT.pem]. With --ca the channel uses TLS (ALPN h2). Prints PASS/FAIL per scenario; exits non-zero if any failed.
// Needs $EXPLAIN_PEER_DESCRIPTORS (see protos.js).
const fs = require('fs');
const assert = require('assert');
const grpc = require('@grpc/grpc-js');
const descriptor = require('protobufjs/ext/descriptor');
const { load } = require('./protos');

const MB = 1024 * 1024;
const { proto, root } = load({ required: true });
const RpcStatus = root.lookupType('google.rpc.Status');
const BadRequest = root.lookupType('google.rpc.BadRequest');

const target = process.argv[2];
const caIndex = process.argv.indexOf('--ca');
const credentials = () => (caIndex > 0
  ? grpc.credentials.createSsl(fs.readFileSync(process.argv[caIndex + 1]))
  : grpc.credentials.createInsecure());
const channelOptions = {
  'grpc.max_receive_message_length': 16 * MB,
  'grpc.max_send_message_length': 16 * MB,
  ...(caIndex > 0 ? { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' } : {}),
};
const echo = new proto.explain.testing.v1.Echo(target, credentials(), channelOptions);
const gzipEcho = new proto.explain.testing.v1.Echo(target, credentials(),
  { ...channelOptions, 'grpc.default_compression_algorithm': 2, 'grpc.default_compression_level': 2 });
const health = new proto.grpc.health.v1.Health(target, credentials(), channelOptions);
const deadline = (ms = 10000) => ({ deadline: Date.now() + ms });

// Unary call as a promise of { response, headers, trailers } (rejects with the ServiceError).
function unary(client, method, request, metadata = new grpc.Metadata(), options = deadline()) {
  return new Promise((resolve, reject) => {
    let headers;
    const call = client[method](request, metadata, options, (err, response) => {
      if (err) { reject(err); return; }
      call.on('status', (status) => resolve({ response, headers, trailers: status.metadata }));
    });
    call.on('metadata', (md) => { headers = md; });
  });
}

function collect(call) {
  return new Promise((resolve, reject) => {
    const items = [];
    call.on('data', (d) => items.push(d));
    call.on('error', reject);
    call.on('end', () => resolve(items));
  });
}

async function expectError(promise, code) {
  try { await promise; } catch (err) { assert.strictEqual(err.code, code, `${err.code}: ${err.details}`); return err; }
  throw new Error(`expected status ${code}`);
}

const scenarios = {
  async unary() {
    const { response } = await unary(echo, 'UnaryEcho', { message: 'hi' });
    assert.strictEqual(response.message, 'hi');
  },
  async server_streaming() {
    const items = await collect(echo.ServerStream({ message: 's', count: 25 }, deadline()));
    assert.deepStrictEqual(items.map((r) => r.index), [...Array(25).keys()]);
  },
  async client_streaming() {
    const response = await new Promise((resolve, reject) => {
      const call = echo.ClientStream(deadline(), (err, res) => (err ? reject(err) : resolve(res)));
      for (const message of ['a', 'b', 'c']) call.write({ message, payload: Buffer.from('12345') });
      call.end();
    });
    assert.strictEqual(response.message, 'a,b,c');
    assert.strictEqual(response.index, 3);
  },
  async bidi_ping_pong() {
    const call = echo.BidiEcho(deadline());
    const replies = [];
    let waiting = null;
    call.on('data', (d) => { replies.push(d); if (waiting) waiting(); });
    for (let i = 0; i < 5; i++) {
      const next = new Promise((resolve) => { waiting = resolve; });
      call.write({ message: `m${i}` });
      if (replies.length <= i) await next;
      assert.strictEqual(replies[i].message, `m${i}`);
      assert.strictEqual(replies[i].index, i);
    }
    const ended = new Promise((resolve, reject) => { call.on('end', resolve); call.on('error', reject); });
    call.end();
    await ended;
  },
  async every_status_code() {
    for (let code = 1; code <= 16; code++) {
      const text = `failed 100% \u2603 ${code}`;
      const err = await expectError(unary(echo, 'ReturnStatus', { code, message: text }), code);
      assert.strictEqual(err.details, text);
      assert.strictEqual(err.metadata.get('x-error-detail')[0], 'detail');
      assert.deepStrictEqual(err.metadata.get('x-error-bin')[0], Buffer.from([0, 1, 2, 255]));
      // google.rpc.Status (AIP-193) in grpc-status-details-bin: code, message and a BadRequest.
      const status = RpcStatus.decode(err.metadata.get('grpc-status-details-bin')[0]);
      assert.strictEqual(status.code, code);
      assert.strictEqual(status.message, text);
      assert.strictEqual(status.details[0].type_url, 'type.googleapis.com/google.rpc.BadRequest');
      const violations = BadRequest.decode(status.details[0].value).field_violations;
      assert.deepStrictEqual(violations.map((v) => [v.field, v.description]), [['code', text]]);
    }
  },
  async unimplemented() {
    await expectError(unary(echo, 'NotBound', {}), grpc.status.UNIMPLEMENTED);
  },
  async deadline_exceeded() {
    const started = Date.now();
    await expectError(unary(echo, 'Sleep', { milliseconds: 10000 }, new grpc.Metadata(), deadline(300)),
      grpc.status.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 5000);
  },
  async cancellation() {
    const result = new Promise((resolve) => {
      const call = echo.Sleep({ milliseconds: 10000 }, deadline(30000), (err) => resolve(err));
      setTimeout(() => call.cancel(), 300);
    });
    assert.strictEqual((await result).code, grpc.status.CANCELLED);
  },
  async metadata_text_and_binary() {
    const md = new grpc.Metadata();
    const binary = Buffer.from([...Array(256).keys()]);
    md.add('x-text', 'hello');
    md.add('x-data-bin', binary);
    const { headers, trailers } = await unary(echo, 'EchoMetadata', {}, md);
    assert.strictEqual(headers.get('x-text')[0], 'hello');
    assert.deepStrictEqual(trailers.get('x-data-bin')[0], binary);
  },
  async four_megabyte_messages() {
    const payload = Buffer.alloc(4 * MB, 7);
    const { response } = await unary(echo, 'UnaryEcho', { payload }, new grpc.Metadata(), deadline(30000));
    assert.ok(payload.equals(response.payload));
    const items = await collect(echo.ServerStream({ count: 2, response_size: 4 * MB }, deadline(30000)));
    assert.deepStrictEqual(items.map((r) => r.payload.length), [4 * MB, 4 * MB]);
  },
  async gzip_both_ways() {
    const payload = Buffer.alloc(200000, 122);
    const { response } = await unary(gzipEcho, 'UnaryEcho', { payload });
    assert.ok(payload.equals(response.payload));
  },
  async health_check() {
    const { response } = await unary(health, 'Check', { service: '' });
    assert.strictEqual(response.status, 1);
    await expectError(unary(health, 'Check', { service: 'missing' }), grpc.status.NOT_FOUND);
    const watch = health.Watch({ service: '' }, deadline());
    const first = await new Promise((resolve) => watch.once('data', resolve));
    assert.strictEqual(first.status, 1);
    watch.on('error', () => {});
    watch.cancel();
    const unknown = health.Watch({ service: 'missing' }, deadline());
    const unknownFirst = await new Promise((resolve) => unknown.once('data', resolve));
    assert.strictEqual(unknownFirst.status, 3); // SERVICE_UNKNOWN
    unknown.on('error', () => {});
    unknown.cancel();
  },
  async reflection_v1() { await reflection('v1'); },
  async reflection_v1alpha() { await reflection('v1alpha'); },
};

async function reflection(version) {
  const client = new proto.grpc.reflection[version].ServerReflection(target, credentials(), channelOptions);
  const call = client.ServerReflectionInfo(deadline());
  const responses = collect(call);
  call.write({ list_services: '' });
  call.write({ file_containing_symbol: 'explain.testing.v1.Echo' });
  // Grpc.HealthCheck names its file "health.proto" (no package path), and grpc-dotnet serves that name.
  call.write({ file_by_filename: 'health.proto' });
  call.write({ file_containing_symbol: 'no.Such' });
  call.end();
  const [list, symbol, file, missing] = await responses;
  const names = list.list_services_response.service.map((s) => s.name);
  assert.ok(names.includes('explain.testing.v1.Echo') && names.includes('grpc.health.v1.Health'), names);
  const echoFile = descriptor.FileDescriptorProto.decode(symbol.file_descriptor_response.file_descriptor_proto[0]);
  assert.strictEqual(echoFile.name, 'explain/testing/v1/echo.proto');
  assert.strictEqual(echoFile.service[0].name, 'Echo');
  const fileNames = symbol.file_descriptor_response.file_descriptor_proto.map((b) => descriptor.FileDescriptorProto.decode(b).name);
  assert.ok(fileNames.includes('google/protobuf/timestamp.proto'), fileNames);
  const healthFile = descriptor.FileDescriptorProto.decode(file.file_descriptor_response.file_descriptor_proto[0]);
  assert.strictEqual(healthFile.package, 'grpc.health.v1');
  assert.strictEqual(missing.error_response.error_code, grpc.status.NOT_FOUND);
  client.close();
}

(async () => {
  let failed = 0;
  for (const [name, run] of Object.entries(scenarios)) {
    try {
      await run();
      console.log(`PASS ${name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name} ${String(err && err.stack ? err.stack : err).replace(/\n/g, ' | ')}`);
    }
  }
  console.log(`node interop client: ${Object.keys(scenarios).length - failed} ok, ${failed} failing`);
  echo.close(); gzipEcho.close(); health.close();
  process.exit(failed ? 1 : 0);
})();
