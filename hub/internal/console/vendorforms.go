package console

// field is one input of a vendor's connection form.
type field struct {
	Key   string // the API's credential or settings key
	Label string
	Hint  string
}

// vendorForm is what creating a connection of one vendor asks for (docs/vendors/<vendor>.md): its
// credentials, write-only, and the settings it reads.
type vendorForm struct {
	Vendor      string
	Label       string
	BaseURL     string // an example
	Credentials []field
	Settings    []field
}

// vendorForms are the vendors the console can connect, in the order the hub lists them. The generic
// "http" connector needs its request definitions, which only the API and presencectl take for now.
var vendorForms = []vendorForm{
	{Vendor: "zendesk", Label: "Zendesk", BaseURL: "https://acme.zendesk.com",
		Credentials: []field{{"email", "Agent email", "with api_token (Basic auth)"}, {"api_token", "API token", ""},
			{"oauth_token", "OAuth token", "instead of email and API token"}, {"webhook_secret", "Webhook signing secret", ""}},
		Settings: []field{{"subdomain", "Subdomain", ""}}},
	{Vendor: "aircall", Label: "Aircall", BaseURL: "https://api.aircall.io",
		Credentials: []field{{"api_id", "API ID", ""}, {"api_token", "API token", ""}, {"webhook_token", "Webhook token", ""}}},
	{Vendor: "talkdesk", Label: "Talkdesk", BaseURL: "https://api.talkdeskapp.com",
		Credentials: []field{{"client_id", "Client ID", ""}, {"client_secret", "Client secret", ""}},
		Settings:    []field{{"account", "Account name", ""}, {"region", "Region", "e.g. us, eu"}}},
	{Vendor: "servicenow", Label: "ServiceNow", BaseURL: "https://acme.service-now.com",
		Credentials: []field{{"username", "Username", ""}, {"password", "Password", ""},
			{"client_id", "OAuth client ID", "optional"}, {"client_secret", "OAuth client secret", "optional"}},
		Settings: []field{{"instance", "Instance", ""}}},
	{Vendor: "salesforce", Label: "Salesforce", BaseURL: "https://acme.my.salesforce.com",
		Credentials: []field{{"client_id", "Consumer key", ""}, {"client_secret", "Consumer secret", ""},
			{"username", "Username", "password grant only"}, {"password", "Password + security token", "password grant only"}},
		Settings: []field{{"my_domain", "My Domain", ""}}},
	{Vendor: "cxone", Label: "NICE CXone", BaseURL: "https://api-na1.niceincontact.com",
		Credentials: []field{{"access_key_id", "Access key ID", ""}, {"access_key_secret", "Access key secret", ""}},
		Settings:    []field{{"token_url", "Token URL", ""}}},
	{Vendor: "teams", Label: "Microsoft Teams", BaseURL: "https://graph.microsoft.com",
		Credentials: []field{{"tenant_id", "Directory (tenant) ID", ""}, {"client_id", "Application (client) ID", ""},
			{"client_secret", "Client secret", ""}, {"refresh_token", "Delegated refresh token", "change notifications only"},
			{"client_state", "Notification client state", "generated when left empty"}},
		Settings: []field{{"write_mode", "Write mode", "session (default) or preferred"},
			{"notification_url", "Notification URL", "the hub's public /v1/webhooks/{connection}; empty: polled"}}},
	{Vendor: "genesys", Label: "Genesys Cloud", BaseURL: "https://api.mypurecloud.com",
		Credentials: []field{{"client_id", "OAuth client ID", "client credentials grant"}, {"client_secret", "OAuth client secret", ""}},
		Settings:    []field{{"region", "Region", "e.g. mypurecloud.com, mypurecloud.de, usw2.pure.cloud"}}},
}

// formOf returns the form of vendor.
func formOf(vendor string) (vendorForm, bool) {
	for _, f := range vendorForms {
		if f.Vendor == vendor {
			return f, true
		}
	}
	return vendorForm{}, false
}
