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
        var action = new Argument<string>("action") { Description = "new: make a key" };
        action.AcceptOnlyFromAmong("new");
        var command = new Command("keys", """
            API keys for `serve` and the service hosts (--api-keys FILE): print a fresh key (stdout, first
            line; give it to the tenant, it is shown once) and its TENANT:SHA256HEX line for the keys file
            (second line; the file never holds the key itself).

            Examples:
              explain keys new team-a
            """) { action, tenant };
        command.SetAction(p =>
        {
            string key = ApiKeyStore.NewKey();
            console.Error.WriteLine("key (callers send 'authorization: Bearer KEY'), then the line for the --api-keys file:");
            console.Out.WriteLine(key);
            console.Out.WriteLine(ApiKeyStore.Line(p.GetValue(tenant)!, key));
            return ExplainApp.Ok;
        });
        return command;
    }
}
