package hub

import "strconv"

// StaffConfig is the staff console's part of the configuration: what the dashboard counts for
// each letter that did not have to be posted (the seed's Net Zero promise).
type StaffConfig struct {
	PostagePence         int // postage, paper and printing of one posted letter, in pence
	CarbonGramsPerLetter int // carbon of one posted letter, in grams of CO2e
}

var staffSettings = []setting{
	{env: "PATIENTHUB_POSTAGE_PENCE", flag: "postage-pence", def: "85", usage: "what one posted letter costs (postage, paper, printing), in pence, for the dashboard",
		set: intSetting(func(c *Config) *int { return &c.PostagePence })},
	{env: "PATIENTHUB_CARBON_GRAMS_PER_LETTER", flag: "carbon-grams-per-letter", def: "20", usage: "the carbon of one posted letter, in grams of CO2e, for the dashboard",
		set: intSetting(func(c *Config) *int { return &c.CarbonGramsPerLetter })},
}

// staffValues are the staff settings for Print.
func (c Config) staffValues() map[string]string {
	return map[string]string{
		"PATIENTHUB_POSTAGE_PENCE":           strconv.Itoa(c.PostagePence),
		"PATIENTHUB_CARBON_GRAMS_PER_LETTER": strconv.Itoa(c.CarbonGramsPerLetter),
	}
}
