-- Receipts sent by e-mail (issue 15, ADR 0161): queued beside the sale, sent by the mailer in the background,
-- retried with backoff. A lease (locked_until) keeps two senders from sending the same e-mail at once.
CREATE TABLE receipt_emails (
  id              bigserial PRIMARY KEY,
  sale_id         bigint NOT NULL REFERENCES sales (id),
  recipient       text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
  copy            boolean NOT NULL DEFAULT false,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  requested_by    text NOT NULL,
  idempotency_key text UNIQUE,
  message_id      text NOT NULL UNIQUE,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipt_emails_due ON receipt_emails (next_attempt_at) WHERE status = 'queued';
CREATE INDEX receipt_emails_by_sale ON receipt_emails (sale_id, id);
