using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Explain.Grpc.Framing;
using Explain.Grpc.Protocol;
using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>
/// One HTTP/2 stream carrying one call: sends headers and request frames, reads response headers,
/// frames and trailers, and settles the status exactly once. Cancelling the linked token resets the
/// stream (RST_STREAM), which is how deadlines and caller cancellation reach the server.
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : ICallState
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callCancellation;
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Lock _statusLock = new();
    private CancellationTokenSource? _deadlineCancellation;
    private PushStreamContent? _content;
    private Task _responseStarted = Task.CompletedTask;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private string? _responseEncoding;
    private Status? _status;
    private Metadata _trailers = new();
    private volatile bool _deadlineExceeded;
    private int _writing;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _callCancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
    }

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    /// <summary>Starts the HTTP request; <paramref name="request"/> is the single request, or null to stream.</summary>
    public void Start(TRequest? request)
    {
        TimeSpan? timeout = null;
        try
        {
            if (_options.Deadline is { } deadline)
            {
                timeout = deadline - DateTime.UtcNow;
                if (timeout <= TimeSpan.Zero)
                {
                    _deadlineExceeded = true;
                    throw new OperationCanceledException();
                }

                ArmDeadline(timeout.Value);
            }

            _content = new PushStreamContent(request is null ? null : Frame(request));
            var httpRequest = BuildRequest(timeout);
            _responseStarted = ReceiveHeadersAsync(_channel.Invoker.SendAsync(httpRequest, _callCancellation.Token));
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    public async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        await _responseStarted.ConfigureAwait(false);
        if (_reader is null || _status is not null)
        {
            return FinalStatusOrThrow();
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_callCancellation.Token, cancellationToken);
            var frame = await _reader.ReadFrameAsync(_channel.Options.MaxReceiveMessageSize, linked.Token).ConfigureAwait(false);
            if (frame is not { } f)
            {
                ReadTrailers();
                return FinalStatusOrThrow();
            }

            return _method.ResponseParser.ParseFrom(Decode(f));
        }
        catch (Exception ex) when (ex is not RpcException || _status is null)
        {
            throw new RpcException(Fail(ex), _trailers);
        }
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call has not completed yet.");

    public Metadata GetTrailers() => _status is null
        ? throw new InvalidOperationException("The call has not completed yet.") : _trailers;

    public void Dispose()
    {
        if (_status is null)
        {
            Fail(new RpcException(new Status(StatusCode.Cancelled, "Call disposed before it completed.")));
        }

        _content?.Complete();
        _response?.Dispose();
        ReleaseCancellation();
    }
}
