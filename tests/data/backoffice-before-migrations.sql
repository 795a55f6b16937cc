-- The built-in back office's tables as the kiosk made them on 2026-11-28, before its schema
-- had migrations (sqlite-utils, columns added by hand), with a little of everything in them:
-- tests/test_backoffice_migrations.py upgrades a database made from this file.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "inbox" (
   "reference" TEXT PRIMARY KEY,
   "received" TEXT,
   "created" TEXT,
   "kiosk_id" TEXT,
   "package" TEXT,
   "package_title" TEXT,
   "language" TEXT,
   "status" TEXT,
   "reason" TEXT,
   "payload" TEXT
, "assignee" TEXT NOT NULL DEFAULT '', "id_tail" TEXT NOT NULL DEFAULT '', "id_mask" TEXT NOT NULL DEFAULT '', "phone_tail" TEXT NOT NULL DEFAULT '');
INSERT INTO inbox VALUES('K7-261128-7Q89W','2026-11-02T09:00:00+00:00','2026-11-28T03:35:50+00:00','K7','open_shop','我要开店','en','in_progress','','{"schema": "kiosk.submission/1", "reference": "K7-261128-7Q89W", "kiosk_id": "K7", "created": "2026-11-28T03:35:50+00:00", "language": "en", "accessibility_modes": ["large_text"], "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"}, "items": [{"key": "business_licence", "title": "Business licence", "title_zh": "营业执照", "department": "market"}], "answers": {"applicant_name": "王秀英", "applicant_id_number": "11010519491231002X", "applicant_phone": "138 1234 5678"}, "documents": [{"key": "id_card", "title": "ID document", "title_zh": "身份证件"}], "eligibility": {"answers": {}, "not_eligible": []}}','王丽','31002X','110*************2X','12345678');
INSERT INTO inbox VALUES('K7-261128-ADGS7','2026-11-02T10:00:00+00:00','2026-11-28T03:35:50+00:00','K7','open_shop','我要开店','en','returned','照片不清楚','{"schema": "kiosk.submission/1", "reference": "K7-261128-ADGS7", "kiosk_id": "K7", "created": "2026-11-28T03:35:50+00:00", "language": "en", "accessibility_modes": ["large_text"], "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"}, "items": [{"key": "business_licence", "title": "Business licence", "title_zh": "营业执照", "department": "market"}], "answers": {"applicant_name": "Kim Min-jun", "applicant_phone": "010-1234-5678"}, "documents": [{"key": "id_card", "title": "ID document", "title_zh": "身份证件"}], "eligibility": {"answers": {}, "not_eligible": []}}','','','','12345678');
INSERT INTO inbox VALUES('K7-261128-V8PXD','2026-11-02T11:00:00+00:00','2026-11-28T03:35:50+00:00','K7','open_shop','我要开店','en','received','','{"schema": "kiosk.submission/1", "reference": "K7-261128-V8PXD", "kiosk_id": "K7", "created": "2026-11-28T03:35:50+00:00", "language": "en", "accessibility_modes": ["large_text"], "package": {"key": "open_shop", "title": "I want to open a shop", "title_zh": "我要开店"}, "items": [{"key": "business_licence", "title": "Business licence", "title_zh": "营业执照", "department": "market"}], "answers": {"applicant_name": "李雷"}, "documents": [{"key": "id_card", "title": "ID document", "title_zh": "身份证件"}], "eligibility": {"answers": {}, "not_eligible": []}}','','','','');
CREATE TABLE IF NOT EXISTS "audit" (
   "id" INTEGER PRIMARY KEY,
   "reference" TEXT,
   "who" TEXT,
   "at" TEXT,
   "action" TEXT,
   "detail" TEXT,
   "before" TEXT
);
INSERT INTO audit VALUES(1,'K7-261128-7Q89W','kiosk','2026-11-02T09:00:00+00:00','received','','');
INSERT INTO audit VALUES(2,'K7-261128-ADGS7','kiosk','2026-11-02T10:00:00+00:00','received','','');
INSERT INTO audit VALUES(3,'K7-261128-V8PXD','kiosk','2026-11-02T11:00:00+00:00','received','','');
INSERT INTO audit VALUES(4,'K7-261128-7Q89W','王丽','2026-11-03T09:00:00+00:00','in_progress','','received');
INSERT INTO audit VALUES(5,'K7-261128-ADGS7','王丽','2026-11-03T09:00:00+00:00','returned','照片不清楚','received');
INSERT INTO audit VALUES(6,'K7-261128-7Q89W','admin','2026-11-03T09:00:00+00:00','assigned','王丽','');
INSERT INTO audit VALUES(7,'K7-261128-7Q89W','王丽','2026-11-03T09:00:00+00:00','document_checked','id_card','');
CREATE TABLE IF NOT EXISTS "notes" (
   "id" INTEGER PRIMARY KEY,
   "reference" TEXT,
   "who" TEXT,
   "at" TEXT,
   "text" TEXT
);
INSERT INTO notes VALUES(1,'K7-261128-7Q89W','王丽','2026-11-03T09:00:00+00:00',replace('已电话联系\n明天来','\n',char(10)));
CREATE TABLE IF NOT EXISTS "document_checks" (
   "reference" TEXT,
   "document" TEXT,
   "who" TEXT,
   "at" TEXT,
   PRIMARY KEY ("reference", "document")
);
INSERT INTO document_checks VALUES('K7-261128-7Q89W','id_card','王丽','2026-11-03T09:00:00+00:00');
CREATE TABLE IF NOT EXISTS "rating_received" (
   "reference" TEXT PRIMARY KEY,
   "kiosk_id" TEXT,
   "package" TEXT,
   "package_title" TEXT,
   "level" TEXT,
   "reasons" TEXT,
   "rated" TEXT,
   "version" INTEGER,
   "received" TEXT,
   "follow_up" TEXT,
   "due" TEXT
);
INSERT INTO rating_received VALUES('K7-261128-7Q89W','K7','open_shop','我要开店','dissatisfied','[]','2026-11-03T10:00:00+08:00',1,'2026-11-03T09:00:00+00:00','open','2026-11-24');
CREATE TABLE IF NOT EXISTS "calls" (
   "id" TEXT PRIMARY KEY,
   "kiosk_id" TEXT,
   "kiosk_name" TEXT,
   "screen" TEXT,
   "language" TEXT,
   "modes" TEXT,
   "state" TEXT NOT NULL,
   "raised_at" TEXT NOT NULL,
   "answered_at" TEXT,
   "answered_by" TEXT,
   "done_at" TEXT,
   "done_by" TEXT,
   "cancelled_at" TEXT
);
INSERT INTO calls VALUES('C-96V0yhRe3tbub0my','K7','二号机','form','ko','large_text','on_my_way','2026-11-03T09:00:00+00:00','2026-11-03T09:00:40+00:00','王丽','','','');
CREATE TABLE IF NOT EXISTS "staff" (
   "name" TEXT PRIMARY KEY,
   "password_hash" TEXT,
   "failed" INTEGER,
   "locked_until" REAL,
   "name_key" TEXT,
   "roles" TEXT
);
INSERT INTO staff VALUES('王丽','scrypt:32768:8:1$Duu8FA3om9DkLCzt$8b6d1d34ed35e0e4c0002c31fdd0087167702abf9f1cd414d427492276bad1e09d1ad640db26660ae75aac395cc36fcdfdc5609df7f403a65d731f92bc67231a',0,0.0,'王丽','clerk');
INSERT INTO staff VALUES('admin','scrypt:32768:8:1$WuwFM4FvBTzKyAKN$d47bbc844263da0e897e0de47f4f9aca8f4fdcfdbda6d81704394ab0820807d9544ef0952dcdc31badbfcb583254e3a10eac85f63d0232ad4fba25c3e5306b51',0,0.0,'admin','clerk,interpreter');
CREATE TABLE IF NOT EXISTS "sign_in_throttle" (
   "key" TEXT PRIMARY KEY,
   "failures" INTEGER,
   "wait_until" REAL
);
INSERT INTO sign_in_throttle VALUES('name:王丽',1,1795000000.0);
INSERT INTO sign_in_throttle VALUES('client:10.0.0.9',1,1795000000.0);
CREATE TABLE IF NOT EXISTS "failed_sign_ins" (
   "at" REAL,
   "name" TEXT,
   "client" TEXT
);
INSERT INTO failed_sign_ins VALUES(1795000000.0,'王丽','10.0.0.9');
COMMIT;
