using Deploy.LocalCloud.Hosting;
using Deploy.Testing.Botocore;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>The local cloud's recorded responses against botocore's models, the independent oracle for their shapes.</summary>
public static class ExchangeConformance
{
    /// <summary>
    /// Every violation of one response (<see cref="BotocoreModels.ValidateResponse"/>): it is in the model's protocol,
    /// and a success carries the operation's output shape, an error the protocol's error fields. The exchange names
    /// its service as the wire does (JSON target prefix, SigV4 signing name).
    /// </summary>
    public static IEnumerable<string> Violations(ApiExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var service = BotocoreModels.ServiceForWireName(exchange.Service);
        if (service is null)
        {
            // An error rendered before any service was identified: only the protocol's error envelope applies.
            return exchange.StatusCode >= 300
                ? BotocoreModels.ValidateErrorEnvelope(exchange.Protocol, exchange.ResponseBody, exchange.StatusCode)
                : [$"{exchange.Service}.{exchange.Operation}: no botocore model for service '{exchange.Service}'"];
        }

        var violations = new List<string>();
        var model = BotocoreModels.Load(service);
        if (model.Protocol != exchange.Protocol)
        {
            violations.Add($"{model.ServiceId} {exchange.Operation}: answered in protocol {exchange.Protocol}, the model's is {model.Protocol}");
        }

        violations.AddRange(BotocoreModels.ValidateResponse(service, exchange.Operation, exchange.ResponseBody, exchange.StatusCode));
        return violations;
    }
}
