package store

// ParseStoredTime is parseStoredTime, for the tests.
var ParseStoredTime = parseStoredTime
