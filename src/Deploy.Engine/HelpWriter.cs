namespace Deploy.Engine;

/// <summary>Writes <c>--help</c>: usage, listed targets with their direct dependencies, then parameters.</summary>
internal static class HelpWriter
{
    public static void Write(IBuildLog log, TargetCatalog catalog, string? defaultTarget, IReadOnlyList<ParameterMember> parameters, object build)
    {
        log.Write("Usage: build [targets] [--skip [targets]] [--profile name] [--verbosity quiet|normal|verbose]");
        log.Write("             [--root dir] [--plan] [--help] [--<parameter> value]");
        log.Write("");
        log.Write("Targets:");
        var targets = catalog.Nodes.Where(n => !n.Unlisted).ToList();
        var width = targets.Select(t => t.Name.Length + (t.Name == defaultTarget ? 10 : 0)).DefaultIfEmpty(0).Max();
        foreach (var target in targets)
        {
            var name = target.Name == defaultTarget ? target.Name + " (default)" : target.Name;
            var dependencies = target.DependsOn.Count > 0 ? $" (depends on: {string.Join(", ", target.DependsOn)})" : "";
            log.Write($"  {name.PadRight(width)}  {target.Description}{dependencies}".TrimEnd());
        }

        if (parameters.Count == 0)
            return;
        log.Write("");
        log.Write("Parameters:");
        var columns = parameters.Select(p => $"{p.OptionName} <{ValueConverter.Describe(p.Type)}>").ToList();
        var optionWidth = columns.Max(c => c.Length);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var defaultText = parameter.IsSecret && parameter.DefaultValue is not null ? SecretMasker.Replacement : ValueConverter.Format(parameter.DefaultValue);
            var details = $"[default: {defaultText}; source: {parameter.Source}]";
            if (parameter.Source != "default")
            {
                var current = parameter.GetValue(build);
                details = $"[value: {(parameter.IsSecret && current is not null ? SecretMasker.Replacement : ValueConverter.Format(current))}; "
                    + details[1..];
            }

            var secret = parameter.IsSecret ? "(secret) " : "";
            log.Write($"  {columns[i].PadRight(optionWidth)}  {secret}{parameter.Description} {details}".Replace("  [", " [", StringComparison.Ordinal));
        }
    }
}
