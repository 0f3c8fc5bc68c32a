"""Which browser test sends each form of the site, derived from the URL configuration.

FORM_PAGES maps every URL name that takes a form's POST to the browser tests that fill that form in
Chromium, send it through the production middleware and check where she lands and what was saved
(`tests/<path>.py::<test function>`; a parametrized test is named without its parameters). NO_FORM names
every other URL, with the reason it takes no form. tests/browser/test_form_pages.py walks the URLconf and
fails for a URL in neither, and for a registry test that does not exist: a new form page needs its browser
test before the suite is green again.

Walked: every URL of config.urls, allauth's included (staff, mediators and participants with an account
sign in, reset and change passwords there). Not walked: the Django admin, whose add/change/delete forms are
generated per model by Django, used by administrators only (for entering the programme), and sent through
the same middleware, CSRF check and Referrer-Policy as every page here.
"""

PARTICIPANT = "tests/browser/test_forms_participant.py"
STAFF = "tests/browser/test_forms_staff.py"
MEDIATORS = "tests/browser/test_forms_mediators.py"
ACCOUNTS = "tests/accounts/test_account_forms_browser.py"
AUTHENTICATOR_APP = "test_with_her_authenticator_app_she_confirms_it_is_her_renews_codes_and_switches_it_off"
SETUP = "tests/browser/test_event_setup_browser.py"
PUBLISHING = "tests/browser/test_publish_browser.py::test_an_organiser_translates_checks_publishes_and_previews_in_arabic"
TWO_FACTOR = "tests/accounts/test_accounts_browser.py::test_setting_up_and_using_two_factor_sign_in_has_no_wcag_21_aa_violations"
PROGRAMME = "tests/browser/test_programme_editor_browser.py::test_an_organiser_builds_and_changes_the_programme_on_one_page"

FORM_PAGES = {
    # Participants: the sign-up and every form behind her personal link.
    "registrations:signup": [
        "tests/browser/test_signup_flow.py::test_a_person_signs_up_in_the_browser_and_sees_her_booking"
    ],
    "registrations:change_workshops": [
        f"{PARTICIPANT}::test_behind_her_link_she_changes_workshops_and_childcare_then_cancels_in_arabic"
    ],
    "registrations:change_childcare": [
        f"{PARTICIPANT}::test_behind_her_link_she_changes_workshops_and_childcare_then_cancels_in_arabic"
    ],
    "registrations:cancel": [
        f"{PARTICIPANT}::test_behind_her_link_she_changes_workshops_and_childcare_then_cancels_in_arabic"
    ],
    "registrations:accept_offer": [
        f"{PARTICIPANT}::test_she_accepts_the_place_and_the_workshop_seat_offered_to_her",
        "tests/browser/test_her_journey.py::test_her_journey_on_a_phone",
    ],
    "registrations:confirm_email": [
        f"{PARTICIPANT}::test_she_confirms_her_address_and_stops_reminders_from_the_links_in_her_mails"
    ],
    "registrations:unsubscribe": [
        f"{PARTICIPANT}::test_she_confirms_her_address_and_stops_reminders_from_the_links_in_her_mails"
    ],
    "registrations:resend_link": [
        f"{PARTICIPANT}::test_she_asks_for_her_link_again",
        f"{PARTICIPANT}::test_a_form_sent_without_its_cookie_answers_the_translated_expired_page_with_a_way_back",
    ],
    # Mediators.
    "mediators:invitation": [
        f"{MEDIATORS}::test_an_invited_mediator_sets_her_password_fills_her_profile_and_replies_in_arabic"
    ],
    "mediators:profile": [
        f"{MEDIATORS}::test_an_invited_mediator_sets_her_password_fills_her_profile_and_replies_in_arabic"
    ],
    "mediators:reply": [
        f"{MEDIATORS}::test_an_invited_mediator_sets_her_password_fills_her_profile_and_replies_in_arabic"
    ],
    "mediators:renew_feed": [
        f"{MEDIATORS}::test_an_invited_mediator_sets_her_password_fills_her_profile_and_replies_in_arabic"
    ],
    # Back office.
    "backoffice:cancel": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:confirm": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:confirm_wish": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:move": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:replace_links": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:privacy_erase": [f"{STAFF}::test_an_organiser_acts_on_registrations_from_their_pages"],
    "backoffice:capacity": [f"{STAFF}::test_an_organiser_changes_a_capacity"],
    "backoffice:walk_in": [f"{STAFF}::test_an_organiser_registers_a_walk_in"],
    "backoffice:announcements": [f"{STAFF}::test_an_organiser_previews_and_sends_a_message"],
    "backoffice-checkin:code": [
        "tests/browser/test_checkin_page.py::test_typing_the_code_checks_her_in_on_an_accessible_page",
        "tests/browser/test_checkin_page.py::test_the_camera_fills_in_the_code_and_sends_the_form",
    ],
    "backoffice-checkin:registration": [f"{STAFF}::test_the_door_staff_find_her_by_name_and_check_her_in"],
    "mediators-staff:pool": [
        f"{MEDIATORS}::test_an_organiser_invites_deactivates_enrols_and_records_attendance"
    ],
    "mediators-staff:set_active": [
        f"{MEDIATORS}::test_an_organiser_invites_deactivates_enrols_and_records_attendance"
    ],
    "mediators-staff:series": [
        f"{MEDIATORS}::test_an_organiser_invites_deactivates_enrols_and_records_attendance"
    ],
    "mediators-staff:attendance": [
        f"{MEDIATORS}::test_an_organiser_invites_deactivates_enrols_and_records_attendance"
    ],
    # Accounts (allauth).
    "account_login": [f"{ACCOUNTS}::test_she_signs_in_changes_her_password_and_signs_out", TWO_FACTOR],
    "account_logout": [f"{ACCOUNTS}::test_she_signs_in_changes_her_password_and_signs_out"],
    "account_change_password": [f"{ACCOUNTS}::test_she_signs_in_changes_her_password_and_signs_out"],
    "account_signup": [f"{ACCOUNTS}::test_she_creates_an_account_and_confirms_her_address"],
    "account_confirm_email": [f"{ACCOUNTS}::test_she_creates_an_account_and_confirms_her_address"],
    "account_reset_password": [f"{ACCOUNTS}::test_a_mediator_resets_her_forgotten_password_in_arabic"],
    "account_reset_password_from_key": [
        f"{ACCOUNTS}::test_a_mediator_resets_her_forgotten_password_in_arabic"
    ],
    "account_email": [f"{ACCOUNTS}::test_she_adds_an_address_and_sets_a_password_for_an_account_without_one"],
    "account_set_password": [
        f"{ACCOUNTS}::test_she_adds_an_address_and_sets_a_password_for_an_account_without_one"
    ],
    "account_reauthenticate": [TWO_FACTOR],
    "mfa_activate_totp": [TWO_FACTOR],
    "mfa_authenticate": [TWO_FACTOR],
    "mfa_reauthenticate": [f"{ACCOUNTS}::{AUTHENTICATOR_APP}"],
    "mfa_generate_recovery_codes": [f"{ACCOUNTS}::{AUTHENTICATOR_APP}"],
    "mfa_deactivate_totp": [f"{ACCOUNTS}::{AUTHENTICATOR_APP}"],
    "backoffice:mail_resend": [
        "tests/browser/test_mail_queue_page.py::test_an_administrator_sees_failed_messages_and_sends_them_again"
    ],
    # Setting events up (#23, H1).
    "backoffice:event_new": [f"{SETUP}::test_an_administrator_creates_a_new_event"],
    "backoffice:event_copy": [
        f"{SETUP}::test_an_organiser_copies_last_years_demo_event_and_changes_its_settings"
    ],
    "backoffice:event_settings": [
        f"{SETUP}::test_an_organiser_copies_last_years_demo_event_and_changes_its_settings"
    ],
    # H4: editing a registration, the staff member's language.
    "backoffice:registration_edit": [
        "tests/browser/test_registration_edit_browser.py::test_an_organiser_fixes_a_mistyped_address_in_the_form"
    ],
    "backoffice:language": [
        "tests/browser/test_registration_edit_browser.py::test_the_back_office_speaks_her_language_not_her_preview_cookie"
    ],
    # Getting an event ready (#23, H3).
    "backoffice:translations_language": [PUBLISHING],
    "backoffice:publish": [PUBLISHING],
    # The programme on one page (#23, H2): every form on it, and the cancellation's confirmation page.
    **dict.fromkeys(
        [
            "backoffice:programme_slot_add",
            "backoffice:programme_slot_edit",
            "backoffice:programme_slot_remove",
            "backoffice:programme_workshop_add",
            "backoffice:programme_workshop_edit",
            "backoffice:programme_workshop_order",
            "backoffice:programme_workshop_cancel",
        ],
        [PROGRAMME],
    ),
    # Importing mediators from a file (#24, H8): the upload and the preview's invite button.
    **dict.fromkeys(
        ["mediators-staff:import", "mediators-staff:import_preview"],
        [
            "tests/browser/test_mediator_import_browser.py::test_an_organiser_imports_a_list_with_good_and_bad_rows"
        ],
    ),
    # The door (#24, H6).
    "backoffice-checkin:undo": [
        "tests/browser/test_door_browser.py::test_the_door_by_typed_code_undo_anyway_and_a_walk_in"
    ],
    # Feedback (#25, H10): her answer and her change of it.
    "feedback:answer": [
        "tests/browser/test_feedback_browser.py::test_she_answers_in_arabic_at_375_pixels_and_changes_her_answer"
    ],
    "feedback:change": [
        "tests/browser/test_feedback_browser.py::test_she_answers_in_arabic_at_375_pixels_and_changes_her_answer"
    ],
    # H14 (#25): an interpreter arranged on the dashboard, the feedback survey's window.
    "backoffice:interpreter": [
        "tests/browser/test_interpreting_feedback_browser.py::test_an_organiser_arranges_an_interpreter_on_the_dashboard"
    ],
    "backoffice:feedback_window": [
        "tests/browser/test_interpreting_feedback_browser.py::test_an_organiser_sets_the_survey_window_and_switches_it_off",
        # H15: a training series' window, set by a mediator-pool manager.
        "tests/browser/test_series_report_browser.py::test_a_pool_manager_sets_the_survey_window_of_a_series",
    ],
    # The mediators' survey (#25, H13): her feedback on a series, then her change of it.
    "mediators:feedback": [
        "tests/browser/test_series_feedback_browser.py::test_a_mediator_answers_for_her_series_per_session_and_changes_her_answer"
    ],
}


NO_FORM = {
    "backoffice:mail_queue": "the mail queue; its one button posts to backoffice:mail_resend",
    "set_language": "no page posts here: the language switcher is a list of links",
    "fachtag:home": "page without a form",
    "fachtag:event": "page without a form",
    "pages:privacy": "legal text",
    "pages:accessibility": "legal text",
    "pages:imprint": "legal text",
    "registrations:manage": "her page; its accept-offer buttons post to registrations:accept_offer",
    "registrations:done": "her page after signing up; forms as on registrations:manage",
    "registrations:offer": "the offer mail's page; its one button posts to registrations:accept_offer",
    "registrations:calendar": "download (.ics)",
    "registrations:qr": "image (SVG)",
    "registrations:download_data": "download (JSON)",
    "registrations:mine": "list of her registrations (signed in)",
    "registrations:link_sent": "page without a form",
    "mediators:portal": "her overview; its reply and calendar forms post to mediators:reply and :renew_feed",
    "mediators:certificate": "download (PDF)",
    "mediators:feed": "calendar feed (.ics)",
    "backoffice:index": "list of events",
    "backoffice:dashboard": "figures; its interpreter buttons post to backoffice:interpreter (in FORM_PAGES)",
    "backoffice:programme": "the programme page; each of its forms posts to a backoffice:programme_* URL",
    "backoffice:participants": "list with a GET filter form",
    "backoffice:registration": "her page; its action forms post to the backoffice:cancel/confirm/... URLs",
    "backoffice:privacy_export": "download (JSON)",
    "backoffice-checkin:index": "start page; its code form posts to :code, its GET search to itself",
    "backoffice-checkin:certificate": "download (PDF)",
    "backoffice-exports:index": "list of downloads",
    "backoffice-exports:participants_csv": "download",
    "backoffice-exports:participants_xlsx": "download",
    "backoffice-exports:childcare_csv": "download",
    "backoffice-exports:childcare_xlsx": "download",
    "backoffice-exports:interpreting_csv": "download",
    "backoffice-exports:interpreting_xlsx": "download",
    "backoffice-exports:attendance_pdf": "download",
    "backoffice-exports:badges_pdf": "download",
    "account_inactive": "allauth's notice page",
    "account_email_verification_sent": "allauth's notice page",
    "account_reset_password_done": "allauth's notice page",
    "account_reset_password_from_key_done": "allauth's notice page",
    "account_confirm_login_code": "login by code is switched off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "mfa_index": "allauth's overview of the second factor (links only)",
    "mfa_view_recovery_codes": "shows the recovery codes",
    "mfa_download_recovery_codes": "download (text)",
    # Getting an event ready (#23, H3).
    "backoffice:translations": "table of texts and languages; each language's form is backoffice:translations_language",
    "backoffice:preview": "the sign-up page as a preview: its form has no method and its button is disabled",
    # Mail previews (#24, H9): read-only, GET only.
    "backoffice:mail_previews": "list of the mail kinds (links only)",
    "backoffice:mail_preview": "one mail as sample: subject, text, HTML part and calendar entry (links only)",
    "backoffice:mail_preview_html": "the sample mail's HTML part, shown in a frame of backoffice:mail_preview",
    # The door (#24, H6).
    "backoffice:walk_in_done": "a walk-in's code and QR code on screen, with a print button (no form)",
    # The report (#25, H11).
    "backoffice:report": "figures, charts and tables (links only)",
    "backoffice:report_xlsx": "download (XLSX)",
    "backoffice:report_pdf": "download (PDF)",
}
