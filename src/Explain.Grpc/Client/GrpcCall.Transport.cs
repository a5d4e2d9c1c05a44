using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Explain.Grpc.Framing;
using Explain.Grpc.Protocol;

namespace Explain.Grpc.Client;

/// <summary>HTTP/2 request building, response header and trailer handling, and the status.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private HttpRequestMessage BuildRequest(TimeSpan? timeout)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = _content,
        };
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcProtocol.TeTrailers));
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (!MessageCompression.IsIdentity(_options.WriteCompression))
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, _options.WriteCompression);
        }

        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
        }

        foreach (var entry in _options.Headers ?? [])
        {
            headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.ToHeaderValue(entry));
        }

        return request;
    }

    private async Task ReceiveHeadersAsync(Task<HttpResponseMessage> send)
    {
        try
        {
            _response = await send.ConfigureAwait(false);
            var headers = ToMetadata(_response.Headers);
            if (_response.Headers.Contains(GrpcProtocol.StatusTrailer))
            {
                // Trailers-Only: the status and trailing metadata arrived in the only HEADERS frame.
                _trailers = headers;
                _headers.TrySetResult(headers);
                Settle(ReadStatus(_response.Headers));
                ReleaseCancellation();
                return;
            }

            if (_response.StatusCode != HttpStatusCode.OK)
            {
                throw new RpcException(ClientErrors.FromHttpStatus(_response.StatusCode));
            }

            if (!GrpcProtocol.IsGrpcContentType(_response.Content.Headers.ContentType?.ToString()))
            {
                throw new RpcException(new Status(StatusCode.Unknown,
                    $"Bad gRPC response. Invalid content-type '{_response.Content.Headers.ContentType}'."));
            }

            _responseEncoding = _response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.First() : null;
            var stream = await _response.Content.ReadAsStreamAsync(_callCancellation.Token).ConfigureAwait(false);
            _reader = PipeReader.Create(stream);
            _headers.TrySetResult(headers);
        }
        catch (Exception ex)
        {
            var status = Fail(ex);
            _headers.TrySetException(new RpcException(status, _trailers));
        }
    }

    private void ReadTrailers()
    {
        var trailing = _response!.TrailingHeaders;
        _trailers = ToMetadata(trailing);
        Settle(trailing.Contains(GrpcProtocol.StatusTrailer)
            ? ReadStatus(trailing)
            : new Status(StatusCode.Internal, "Response ended without grpc-status."));
        ReleaseCancellation();
    }

    private static Status ReadStatus(HttpHeaders headers)
    {
        var code = headers.GetValues(GrpcProtocol.StatusTrailer).First();
        var message = headers.TryGetValues(GrpcProtocol.MessageTrailer, out var m) ? PercentEncoding.Decode(m.First()) : "";
        return int.TryParse(code, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? new Status((StatusCode)value, message)
            : new Status(StatusCode.Unknown, $"Invalid grpc-status '{code}'.");
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            MetadataHeaders.AddFromHeader(metadata, name, values);
        }

        return metadata;
    }

    private void ArmDeadline(TimeSpan timeout)
    {
        // CancellationTokenSource accepts at most ~24.8 days; a longer deadline is effectively none.
        if (timeout.TotalMilliseconds >= int.MaxValue)
        {
            return;
        }

        _deadlineCancellation = new CancellationTokenSource(timeout);
        _deadlineCancellation.Token.UnsafeRegister(static state =>
        {
            var call = (GrpcCall<TRequest, TResponse>)state!;
            call._deadlineExceeded = true;
            call.Fail(new OperationCanceledException());
        }, this);
    }
}
