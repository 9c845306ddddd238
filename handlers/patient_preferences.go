package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// PreferencesPage shows how the patient is contacted, the contact details on their hospital
// record (which they cannot change here), and opting out or back in.
type PreferencesPage struct {
	PatientPage
	Channels   []Choice // text message and email, when the record has both
	OnlyBy     string   // how they are contacted when the record has only one way
	Mobile     string
	Email      string
	Address    string
	OptedOutOn string // the date they opted out, or ""
	Device     DeviceSettings
}

// OptOutPage asks the patient to confirm that they want to opt out.
type OptOutPage struct {
	PatientPage
}

func (s *Server) preferences(c echo.Context) error {
	p, err := s.Hub.PreferencesFor(c.Request().Context(), currentPatient(c).ID, s.actor(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "preferences", s.preferencesPage(c, p, p.PreferredChannel))
}

func (s *Server) preferencesPage(c echo.Context, p store.Patient, chosen store.Channel) PreferencesPage {
	data := PreferencesPage{PatientPage: s.patientPage(c, "Your preferences", "preferences"), Mobile: callOn(p),
		Email: p.Email.String, Address: p.Address, Device: s.deviceSettings(c, p.ID)}
	if p.Postcode != "" {
		data.Address += ", " + p.Postcode
	}
	if p.OptedOut() {
		data.OptedOutOn = p.OptedOutAt.Time.In(hub.London).Format("2 January 2006")
	}
	channels := hub.Channels(p)
	labels := map[store.Channel]Choice{
		store.ChannelSMS:   {Value: "sms", Label: "Text message", Hint: "To " + data.Mobile},
		store.ChannelEmail: {Value: "email", Label: "Email", Hint: "To " + data.Email},
	}
	switch len(channels) {
	case 1:
		data.OnlyBy = labels[channels[0]].Label + " to " + map[store.Channel]string{store.ChannelSMS: data.Mobile, store.ChannelEmail: data.Email}[channels[0]]
	case 2:
		for i, ch := range channels {
			choice := labels[ch]
			choice.ID, choice.Checked = "channel", ch == chosen
			if i > 0 {
				choice.ID = "channel-2"
			}
			data.Channels = append(data.Channels, choice)
		}
	}
	return data
}

// preferencesSave records the channel the patient chose.
func (s *Server) preferencesSave(c echo.Context) error {
	ctx, id := c.Request().Context(), currentPatient(c).ID
	chosen := store.Channel(c.FormValue("channel"))
	err := s.Hub.SetPreferredChannel(ctx, id, chosen, s.actor(c))
	if r, ok := refusal(err); ok {
		if r != hub.ErrChannelMissing {
			return s.noticeAndRedirect(c, r.Message, "/preferences")
		}
		p, perr := s.Hub.PreferencesFor(ctx, id, s.actor(c))
		if perr != nil {
			return perr
		}
		data := s.preferencesPage(c, p, chosen)
		data.Errors.Add("channel", "Select text message or email")
		return s.renderForm(c, "preferences", data)
	}
	if err != nil {
		return err
	}
	msg := "We will send your notifications by text message."
	if chosen == store.ChannelEmail {
		msg = "We will send your notifications by email."
	}
	return s.flashAndRedirect(c, msg, "/preferences")
}

func (s *Server) optOutForm(c echo.Context) error {
	if currentPatient(c).OptedOut() {
		return s.noticeAndRedirect(c, hub.ErrOptedOutAlready.Message, "/preferences")
	}
	data := OptOutPage{PatientPage: s.patientPage(c, "Are you sure you want to opt out of Patient Hub?", "preferences")}
	data.BackURL = "/preferences"
	return s.render(c, http.StatusOK, "opt_out", data)
}

func (s *Server) optOut(c echo.Context) error {
	_, err := s.Hub.OptOut(c.Request().Context(), currentPatient(c).ID, s.actor(c))
	if r, ok := refusal(err); ok {
		return s.noticeAndRedirect(c, r.Message, "/preferences")
	}
	if err != nil {
		return err
	}
	return s.flashAndRedirect(c, "You have opted out of Patient Hub. We will send your letters by post and will not send you reminders.", "/preferences")
}

func (s *Server) optIn(c echo.Context) error {
	err := s.Hub.OptIn(c.Request().Context(), currentPatient(c).ID, s.actor(c))
	if r, ok := refusal(err); ok {
		return s.noticeAndRedirect(c, r.Message, "/preferences")
	}
	if err != nil {
		return err
	}
	return s.flashAndRedirect(c, "You are using Patient Hub again. We will send you texts or emails about your appointments and letters.", "/preferences")
}
