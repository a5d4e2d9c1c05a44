using Explain.Jobs.Security;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain keys new TENANT`: a fresh API key (give it to the tenant; it is shown once) and the
/// TENANT:SHA256HEX line to append to the --api-keys file (which never holds the key itself).
/// </summary>
public static class KeysCommand
{
    public static int Run(string[] argv)
    {
        if (argv.Length != 2 || argv[0] != "new")
            throw new UsageException("usage: explain keys new TENANT");
        string tenant = argv[1];
        if (!ApiKeyStore.IsValidTenant(tenant))
            throw new UsageException($"tenant '{tenant}' is not 1-64 of letters, digits, '.', '_', '-'");
        string key = ApiKeyStore.NewKey();
        Console.Error.WriteLine("key (give it to the tenant; send as 'authorization: Bearer KEY'):");
        Console.WriteLine(key);
        Console.Error.WriteLine("line for the --api-keys file:");
        Console.WriteLine(ApiKeyStore.Line(tenant, key));
        return 0;
    }
}
