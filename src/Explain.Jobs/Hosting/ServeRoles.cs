namespace Explain.Jobs.Hosting;

/// <summary>The services a host runs: one each in the services/ hosts, all three in `explain serve`.</summary>
[Flags]
public enum ServeRoles
{
    Ingestion = 1,
    Worker = 2,
    Results = 4,
    All = Ingestion | Worker | Results,
}
