using System.CommandLine;
using Explain.Cli.Terminal;
using Explain.Jobs.Security;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain keys new TENANT`: a fresh API key (give it to the tenant; it is shown once) and the
/// TENANT:SHA256HEX line to append to the --api-keys file (which never holds the key itself).
/// </summary>
internal static class KeysCommand
{
    public static Command Create(CliConsole console)
    {
        var tenant = new Argument<string>("tenant") { Description = "the tenant the key belongs to: 1-64 of letters, digits, '.', '_', '-'" };
        tenant.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !ApiKeyStore.IsValidTenant(r.Tokens[0].Value))
                r.AddError($"tenant '{r.Tokens[0].Value}' is not 1-64 of letters, digits, '.', '_', '-'.");
        });
        var create = new Command("new", """
            Print a fresh API key (stdout, first line) and its TENANT:SHA256HEX line for --api-keys (second line).

            Examples:
              explain keys new team-a >> issued.txt   # then append the second line to the keys file
            """) { tenant };
        create.SetAction(p =>
        {
            string key = ApiKeyStore.NewKey();
            console.Error.WriteLine("key (give it to the tenant; callers send 'authorization: Bearer KEY'), then the line for the --api-keys file:");
            console.Out.WriteLine(key);
            console.Out.WriteLine(ApiKeyStore.Line(p.GetValue(tenant)!, key));
            return ExplainApp.Ok;
        });
        return new Command("keys", "API keys for `serve` and the service hosts (--api-keys FILE).") { create };
    }
}
