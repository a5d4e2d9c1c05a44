namespace Explain.Messaging.Tests.RabbitMq;

/// <summary>Broker tests share one node and run one after another (some restart it).</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "broker";
}
