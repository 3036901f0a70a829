// Unit tests exercise failure paths on purpose; their operational logs are noise here.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
