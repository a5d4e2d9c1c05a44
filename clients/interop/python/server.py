"""grpcio Echo server: a peer for our client in tests/Explain.Interop.Tests and a baseline for bench/Explain.Rpc.Bench.

Usage: server.py. Binds 127.0.0.1 on a free port, prints "PORT <n>", serves until stdin closes.
Semantics match tests/Explain.Interop.Tests/Support/EchoService.cs. grpc.health.v1 is served when
$EXPLAIN_PEER_DESCRIPTORS provides its descriptor (see protoset.py).
"""
import os
import sys
import threading
import time
from concurrent import futures

import grpc

import echo_messages as m

MB = 1024 * 1024
CODES = {code.value[0]: code for code in grpc.StatusCode}


def reply(request, index):
    payload = bytes(request.response_size) if request.response_size > 0 else request.payload
    return m.EchoResponse(message=request.message, index=index, payload=payload)


def unary_echo(request, context):
    return reply(request, 0)


def server_stream(request, context):
    for i in range(request.count):
        yield reply(request, i)


def client_stream(requests, context):
    messages, size = [], 0
    for request in requests:
        messages.append(request.message)
        size += len(request.payload)
    return m.EchoResponse(message=",".join(messages), index=len(messages), payload=str(size).encode())


def bidi_echo(requests, context):
    for index, request in enumerate(requests):
        yield reply(request, index)


def return_status(request, context):
    if request.code == 0:
        return m.Empty()
    context.set_trailing_metadata((("x-error-detail", "detail"), ("x-error-bin", bytes([0, 1, 2, 255]))))
    context.abort(CODES[request.code], request.message)


def sleep(request, context):
    end = time.monotonic() + request.milliseconds / 1000.0
    while time.monotonic() < end:
        if not context.is_active():
            print("CANCELLED sleep", flush=True)
            return m.Empty()
        time.sleep(0.01)
    return m.Empty()


def echo_metadata(request, context):
    items = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]
    context.send_initial_metadata([(k, v) for k, v in items if not k.endswith("-bin")])
    context.set_trailing_metadata([(k, v) for k, v in items if k.endswith("-bin")])
    return m.Empty()


def health_check(request, context):
    if request.service not in ("", "explain.testing.v1.Echo"):
        context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
    return m.HealthCheckResponse(status=1)


def handlers(kind, function, request_cls, response_cls):
    return kind(function, request_deserializer=request_cls.FromString, response_serializer=response_cls.SerializeToString)


def main():
    e = m.EchoRequest, m.EchoResponse
    echo = grpc.method_handlers_generic_handler("explain.testing.v1.Echo", {
        "UnaryEcho": handlers(grpc.unary_unary_rpc_method_handler, unary_echo, *e),
        "ServerStream": handlers(grpc.unary_stream_rpc_method_handler, server_stream, *e),
        "ClientStream": handlers(grpc.stream_unary_rpc_method_handler, client_stream, *e),
        "BidiEcho": handlers(grpc.stream_stream_rpc_method_handler, bidi_echo, *e),
        "ReturnStatus": handlers(grpc.unary_unary_rpc_method_handler, return_status, m.StatusRequest, m.Empty),
        "Sleep": handlers(grpc.unary_unary_rpc_method_handler, sleep, m.SleepRequest, m.Empty),
        "EchoMetadata": handlers(grpc.unary_unary_rpc_method_handler, echo_metadata, m.Empty, m.Empty),
    })
    services = [echo]
    if m.HAS_GRPC_PROTOS:
        services.append(grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": handlers(grpc.unary_unary_rpc_method_handler, health_check, m.HealthCheckRequest, m.HealthCheckResponse),
        }))
    options = [("grpc.max_receive_message_length", 16 * MB), ("grpc.max_send_message_length", 16 * MB)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), handlers=services, options=options,
                         compression=None if os.environ.get("ECHO_NO_GZIP") else grpc.Compression.Gzip)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
