namespace ConformityLab;

/// <summary>A quantity a check measured, with its unit (ISO/IEC 17025 §7.8.2.1 n: results with units).</summary>
/// <param name="Name">What was measured (<c>MemTotal</c>, <c>/data size</c>, <c>battery temperature (max)</c>).</param>
/// <param name="Value">The value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit (<c>GiB</c>, <c>GB</c>, <c>°C</c>, <c>mV</c>).</param>
public sealed record Measurement(string Name, double Value, string Unit);

/// <summary>One point of a time series.</summary>
/// <param name="Offset">Time since the first sample.</param>
/// <param name="Value">The value, in the series' unit.</param>
public sealed record SeriesPoint(TimeSpan Offset, double Value);

/// <summary>A sampled quantity with its unit, kept for the report's plots.</summary>
/// <param name="Name">What was sampled (<c>dumpsys battery temperature</c>).</param>
/// <param name="Unit">The unit (<c>°C</c>, <c>mV</c>).</param>
/// <param name="Points">The samples in time order.</param>
/// <param name="Limits">The limits the samples were judged against, in the same unit (drawn as lines on the report's plot).</param>
public sealed record TimeSeries(string Name, string Unit, IReadOnlyList<SeriesPoint> Points, IReadOnlyList<Measurement>? Limits = null);
