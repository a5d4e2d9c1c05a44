using System.Net.Http.Headers;

namespace Explain.Client;

/// <summary>Adds <c>authorization: Bearer TOKEN</c> (an API key or a JWT) to every call, over h2c and TLS alike.</summary>
public sealed class BearerTokenHandler(Func<string> token) : DelegatingHandler
{
    public BearerTokenHandler(string token)
        : this(() => token)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token());
        return base.SendAsync(request, cancellationToken);
    }
}
