"""grpcio client run against our grpc-dotnet Echo server by tests/Explain.Interop.Tests.

Usage: client.py HOST:PORT [--ca ROOT.pem]. With --ca the channel uses TLS (ALPN h2). Prints PASS/FAIL per scenario; exits non-zero if any failed.
Needs $EXPLAIN_PEER_DESCRIPTORS (health, reflection and google.rpc descriptors; see protoset.py).
"""
import queue
import sys
import threading
import time
import traceback

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

import echo_messages as m
import protoset

MB = 1024 * 1024
RESULTS = []


def scenario(fn):
    RESULTS.append(fn)
    return fn


def rpc(channel, kind, method, request_cls, response_cls):
    factory = getattr(channel, kind)
    return factory(method, request_serializer=request_cls.SerializeToString, response_deserializer=response_cls.FromString)


def echo(channel, kind, name, req=m.EchoRequest, resp=m.EchoResponse):
    return rpc(channel, kind, m.ECHO + name, req, resp)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


@scenario
def unary(ch):
    response, call = echo(ch, "unary_unary", "UnaryEcho").with_call(m.EchoRequest(message="hi"), timeout=10)
    check(response.message == "hi", response)
    check(call.code() == grpc.StatusCode.OK, call.code())


@scenario
def server_streaming(ch):
    responses = list(echo(ch, "unary_stream", "ServerStream")(m.EchoRequest(message="s", count=25), timeout=10))
    check([r.index for r in responses] == list(range(25)), responses)


@scenario
def client_streaming(ch):
    requests = iter([m.EchoRequest(message=t, payload=b"12345") for t in ("a", "b", "c")])
    response = echo(ch, "stream_unary", "ClientStream")(requests, timeout=10)
    check(response.message == "a,b,c" and response.index == 3 and response.payload == b"15", response)


@scenario
def bidi_ping_pong(ch):
    outbox = queue.Queue()

    def requests():
        while True:
            item = outbox.get()
            if item is None:
                return
            yield item

    responses = echo(ch, "stream_stream", "BidiEcho")(requests(), timeout=10)
    for i in range(5):
        outbox.put(m.EchoRequest(message="m%d" % i))
        reply = next(responses)
        check(reply.message == "m%d" % i and reply.index == i, reply)
    outbox.put(None)
    check(next(responses, None) is None, "stream did not end")


@scenario
def every_status_code(ch):
    method = rpc(ch, "unary_unary", m.ECHO + "ReturnStatus", m.StatusRequest, m.Empty)
    for code in grpc.StatusCode:
        if code == grpc.StatusCode.OK:
            continue
        text = "failed 100%% \u2603 %s" % code.name
        try:
            method(m.StatusRequest(code=code.value[0], message=text), timeout=10)
            raise AssertionError("no error for %s" % code)
        except grpc.RpcError as e:
            check(e.code() == code, (code, e.code()))
            check(e.details() == text, (text, e.details()))
            trailers = dict(e.trailing_metadata())
            check(trailers.get("x-error-detail") == "detail", trailers)
            check(trailers.get("x-error-bin") == bytes([0, 1, 2, 255]), trailers)
            # google.rpc.Status (AIP-193) in grpc-status-details-bin: code, message and a BadRequest.
            status = m.RpcStatus.FromString(trailers["grpc-status-details-bin"])
            check(status.code == code.value[0] and status.message == text, status)
            check(status.details[0].type_url == "type.googleapis.com/google.rpc.BadRequest", status.details[0].type_url)
            bad_request = m.BadRequest.FromString(status.details[0].value)
            check([(v.field, v.description) for v in bad_request.field_violations] == [("code", text)], bad_request)


@scenario
def unimplemented(ch):
    try:
        rpc(ch, "unary_unary", m.ECHO + "NotBound", m.Empty, m.Empty)(m.Empty(), timeout=10)
        raise AssertionError("NotBound succeeded")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.UNIMPLEMENTED, e.code())


@scenario
def deadline_exceeded(ch):
    started = time.monotonic()
    try:
        rpc(ch, "unary_unary", m.ECHO + "Sleep", m.SleepRequest, m.Empty)(m.SleepRequest(milliseconds=10000), timeout=0.3)
        raise AssertionError("Sleep finished")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, e.code())
    check(time.monotonic() - started < 5, "deadline not enforced promptly")


@scenario
def cancellation(ch):
    future = rpc(ch, "unary_unary", m.ECHO + "Sleep", m.SleepRequest, m.Empty).future(m.SleepRequest(milliseconds=10000), timeout=30)
    time.sleep(0.3)
    future.cancel()
    check(future.cancelled(), "future not cancelled")


@scenario
def metadata_text_and_binary(ch):
    binary = bytes(range(256))
    _, call = rpc(ch, "unary_unary", m.ECHO + "EchoMetadata", m.Empty, m.Empty).with_call(
        m.Empty(), metadata=(("x-text", "hello"), ("x-data-bin", binary)), timeout=10)
    headers = dict(call.initial_metadata())
    trailers = dict(call.trailing_metadata())
    check(headers.get("x-text") == "hello", headers)
    check(trailers.get("x-data-bin") == binary, trailers)


@scenario
def four_megabyte_messages(ch):
    payload = bytes(i % 251 for i in range(4 * MB))
    response = echo(ch, "unary_unary", "UnaryEcho")(m.EchoRequest(payload=payload), timeout=30)
    check(response.payload == payload, "payload differs")
    big = list(echo(ch, "unary_stream", "ServerStream")(m.EchoRequest(count=2, response_size=4 * MB), timeout=30))
    check([len(r.payload) for r in big] == [4 * MB] * 2, "stream sizes")


@scenario
def gzip_both_ways(ch):
    payload = b"z" * 200000
    response, call = echo(ch, "unary_unary", "UnaryEcho").with_call(
        m.EchoRequest(payload=payload), timeout=10, compression=grpc.Compression.Gzip)
    check(response.payload == payload, "gzip payload differs")


@scenario
def health_check(ch):
    check_method = rpc(ch, "unary_unary", "/grpc.health.v1.Health/Check", m.HealthCheckRequest, m.HealthCheckResponse)
    response = check_method(m.HealthCheckRequest(service=""), timeout=10)
    check(response.status == 1, response)  # SERVING
    try:
        check_method(m.HealthCheckRequest(service="missing"), timeout=10)
        raise AssertionError("unknown service was healthy")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.NOT_FOUND, e.code())
    watch = rpc(ch, "unary_stream", "/grpc.health.v1.Health/Watch", m.HealthCheckRequest, m.HealthCheckResponse)
    stream = watch(m.HealthCheckRequest(service=""), timeout=10)
    check(next(stream).status == 1, "watch")
    stream.cancel()
    unknown = watch(m.HealthCheckRequest(service="missing"), timeout=10)
    check(next(unknown).status == 3, "watch of an unknown service: SERVICE_UNKNOWN")
    unknown.cancel()


def reflection_version(ch, version):
    req_cls = m.message("grpc.reflection.%s.ServerReflectionRequest" % version)
    resp_cls = m.message("grpc.reflection.%s.ServerReflectionResponse" % version)
    method = rpc(ch, "stream_stream", "/grpc.reflection.%s.ServerReflection/ServerReflectionInfo" % version, req_cls, resp_cls)
    requests = [req_cls(list_services=""), req_cls(file_containing_symbol="explain.testing.v1.Echo"),
                req_cls(file_by_filename="health.proto")  # Grpc.HealthCheck's file name, as grpc-dotnet serves it
               , req_cls(file_containing_symbol="no.Such")]
    responses = list(method(iter(requests), timeout=10))
    names = [s.name for s in responses[0].list_services_response.service]
    check("explain.testing.v1.Echo" in names and "grpc.health.v1.Health" in names, names)
    files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in responses[1].file_descriptor_response.file_descriptor_proto]
    check(files[0].name == "explain/testing/v1/echo.proto" and files[0].service[0].name == "Echo", files[0].name)
    check("google/protobuf/timestamp.proto" in [f.name for f in files], "transitive dependency missing")
    health = descriptor_pb2.FileDescriptorProto.FromString(responses[2].file_descriptor_response.file_descriptor_proto[0])
    check(health.package == "grpc.health.v1", health.package)
    check(responses[3].error_response.error_code == 5, responses[3])


@scenario
def reflection_v1(ch):
    reflection_version(ch, "v1")


@scenario
def reflection_v1alpha(ch):
    reflection_version(ch, "v1alpha")


@scenario
def reflection_driven_call(ch):
    """What grpcurl does: learn the method from reflection alone, then call it."""
    req_cls = m.message("grpc.reflection.v1.ServerReflectionRequest")
    resp_cls = m.message("grpc.reflection.v1.ServerReflectionResponse")
    method = rpc(ch, "stream_stream", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", req_cls, resp_cls)
    reply = next(method(iter([req_cls(file_containing_symbol="explain.testing.v1.Echo")]), timeout=10))
    pending = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in reply.file_descriptor_response.file_descriptor_proto]
    pool, added = descriptor_pool.DescriptorPool(), set()
    while pending:  # the server sends the file first, then its imports: add imports first
        ready = [f for f in pending if set(f.dependency) <= added]
        check(ready, "unresolvable imports: %s" % [f.name for f in pending])
        for f in ready:
            pool.Add(f)
            added.add(f.name)
            pending.remove(f)
    service = pool.FindServiceByName("explain.testing.v1.Echo")
    unary = service.FindMethodByName("UnaryEcho")
    factory = message_factory.MessageFactory(pool)
    request_cls, response_cls = factory.GetPrototype(unary.input_type), factory.GetPrototype(unary.output_type)
    call = rpc(ch, "unary_unary", "/%s/%s" % (service.full_name, unary.name), request_cls, response_cls)
    check(call(request_cls(message="via reflection"), timeout=10).message == "via reflection", "dynamic call")


def main():
    if not m.HAS_GRPC_PROTOS:
        raise SystemExit("client.py needs $%s (see protoset.py)" % protoset.DESCRIPTORS_VARIABLE)
    target = sys.argv[1]
    options = [("grpc.max_receive_message_length", 16 * MB), ("grpc.max_send_message_length", 16 * MB)]
    if "--ca" in sys.argv:
        with open(sys.argv[sys.argv.index("--ca") + 1], "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        options.append(("grpc.ssl_target_name_override", "localhost"))
        channel = grpc.secure_channel(target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(target, options=options)
    failed = 0
    with channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        for fn in RESULTS:
            try:
                fn(channel)
                print("PASS", fn.__name__, flush=True)
            except Exception:  # noqa: BLE001 - report every scenario, then fail the run
                failed += 1
                print("FAIL", fn.__name__, traceback.format_exc().replace("\n", " | "), flush=True)
    print("python interop client: %d ok, %d failing" % (len(RESULTS) - failed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
