import email
from email import policy

from django.core.mail import EmailMultiAlternatives, get_connection


def test_quick_start_backend_writes_each_mail_as_a_readable_eml_file(tmp_path):
    connection = get_connection("config.mail.EmlFileBackend", file_path=str(tmp_path))
    message = EmailMultiAlternatives("تأكيد التسجيل", "نص", "fachtag@example.org", ["amal@example.org"])
    message.attach_alternative("<p dir='rtl'>نص</p>", "text/html")
    assert connection.send_messages([message, message]) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "تأكيد التسجيل"
    assert parsed["To"] == "amal@example.org"
    assert parsed.get_body(("html",)).get_content().strip() == "<p dir='rtl'>نص</p>"
