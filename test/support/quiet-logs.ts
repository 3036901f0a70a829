// Unit tests exercise failure paths on purpose; their operational logs are noise here.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Likewise the request metrics every handler publishes; the metrics tests turn them back on.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
