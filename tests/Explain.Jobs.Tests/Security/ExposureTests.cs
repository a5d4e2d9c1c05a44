using System.Net;
using Explain.Jobs.Hosting;

namespace Explain.Jobs.Tests.Security;

/// <summary>`explain serve` listens on loopback by default; exposing it without authentication needs --insecure.</summary>
public sealed class ExposureTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Parse_ServeDefaults_BindsLoopback()
    {
        var host = HostArguments.Parse([], 50051, IPAddress.Loopback, NoEnvironment);

        Assert.Equal(IPAddress.Loopback, host.Bind);
        host.Security.CheckExposure(host.Bind!);
    }

    [Fact]
    public void CheckExposure_AllInterfacesWithoutAuth_RefusedNamingTheWayOut()
    {
        var host = HostArguments.Parse(["--bind", "0.0.0.0"], 50051, IPAddress.Loopback, NoEnvironment);

        var ex = Assert.Throws<ArgumentException>(() => host.Security.CheckExposure(host.Bind!));

        Assert.Contains("--insecure", ex.Message);
        Assert.Contains("--api-keys", ex.Message);
    }

    [Fact]
    public void CheckExposure_AllInterfacesInsecureFromEnvironment_Allowed()
    {
        var host = HostArguments.Parse(["--bind", "0.0.0.0"], 50051, null, new Dictionary<string, string> { ["EXPLAIN_INSECURE"] = "1" });

        host.Security.CheckExposure(host.Bind!);
        Assert.True(host.Security.Insecure);
    }

    [Fact]
    public void Parse_EnvironmentDefaults_CommandLineWins()
    {
        var env = new Dictionary<string, string> { ["EXPLAIN_RABBITMQ"] = "amqp://env-broker:5672/", ["EXPLAIN_HTTP_PORT"] = "9464" };

        var host = HostArguments.Parse(["--http-port", "9000"], 50051, null, env);

        Assert.Equal("env-broker", host.RabbitMq!.Host);
        Assert.Equal(9000, host.HttpPort);
    }

    [Theory]
    [InlineData("--tls-cert", "x.pem")]
    [InlineData("--jwt-issuer", "iss")]
    public void Parse_IncompleteSecurity_ArgumentException(string option, string value)
    {
        Assert.Throws<ArgumentException>(() => HostArguments.Parse([option, value], 50051, null, NoEnvironment));
    }
}
